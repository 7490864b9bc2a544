using System.Security.Claims;
using ESoviet.Web.Accounts;
using ESoviet.Web.Membership;
using ESoviet.Web.Voting;
using Npgsql;

namespace ESoviet.Web.Live;

/// <summary>Who may follow a topic, as decided when they subscribed: the organization it belongs to and who they are there.</summary>
public sealed record TopicGrant(LiveTopic Topic, TopicKey Key, Guid OrganizationId, Guid AccountId, string HandleKey);

/// <summary>
/// The same rule as the pages: a topic is readable by the candidates and members of its organization, and a proposal
/// that never left its author (a draft, or a draft withdrawn unsubmitted) by its author alone. Every refusal looks the
/// same, so a refusal says nothing about whether the thread or proposal exists.
/// </summary>
public sealed class TopicAccess(NpgsqlDataSource dataSource, OrgAccess orgs)
{
    public async Task<TopicGrant?> AuthorizeAsync(ClaimsPrincipal user, LiveTopic topic, CancellationToken ct)
    {
        if (user.AccountIdOf() is not { } account) return null;
        switch (topic.Kind)
        {
            case TopicKind.Org:
            {
                var member = await orgs.FindAsync(topic.Slug!, account, ct);
                return member is null ? null : Grant(topic, member.OrganizationId, account, member);
            }
            case TopicKind.Thread:
            {
                await using var cmd = dataSource.CreateCommand("SELECT o.slug FROM threads t JOIN organizations o ON o.id = t.org_id WHERE t.id = $1");
                cmd.Parameters.AddWithValue(topic.Id);
                if (await cmd.ExecuteScalarAsync(ct) is not string slug) return null;
                var member = await orgs.FindAsync(slug, account, ct);
                return member is null ? null : Grant(topic, topic.Id, account, member);
            }
            default:
            {
                string slug, author;
                ProposalPhase phase;
                bool submitted;
                await using (var cmd = dataSource.CreateCommand("""
                    SELECT o.slug, p.author, p.phase, p.discussion_ends_at IS NOT NULL
                      FROM proposals p JOIN organizations o ON o.id = p.org_id WHERE p.id = $1
                    """))
                {
                    cmd.Parameters.AddWithValue(topic.Id);
                    await using var r = await cmd.ExecuteReaderAsync(ct);
                    if (!await r.ReadAsync(ct)) return null;
                    (slug, author, phase, submitted) = (r.GetString(0), r.GetString(1), VotingCommands.ParsePhase(r.GetString(2)), r.GetBoolean(3));
                }
                var member = await orgs.FindAsync(slug, account, ct);
                if (member is null) return null;
                var neverPublic = phase == ProposalPhase.Draft || (phase == ProposalPhase.Withdrawn && !submitted);
                if (neverPublic && Handles.Key(author) != Handles.Key(member.Handle)) return null;
                return Grant(topic, topic.Id, account, member);
            }
        }
    }

    private static TopicGrant Grant(LiveTopic topic, Guid keyId, Guid account, OrgMember member) =>
        new(topic, new TopicKey(topic.Kind, keyId), member.OrganizationId, account, Handles.Key(member.Handle));
}
