using System.Text.Json;
using ESoviet.EventStore;
using ESoviet.EventStore.Projections;
using ESoviet.Web.Accounts;
using Npgsql;

namespace ESoviet.Web.Membership;

/// <summary>
/// Keeps organizations, memberships, vouches and invitations current inside the append transaction. Inline on
/// purpose: the access check reads <c>memberships</c> on every request, so a member who leaves loses access with
/// the very commit that records it, and a slug collision rolls the founding back.
/// </summary>
public sealed class MembershipProjection : IInlineProjection
{
    /// <summary>How the charter column is written and read; the same shape as in the events.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task ApplyAsync(NpgsqlConnection connection, IReadOnlyList<StoredEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case OrganizationFounded founded:
                    await ExecuteAsync(connection, ct, """
                        INSERT INTO organizations (id, slug, name, charter, founded_by, founded_at)
                        VALUES ($1, $2, $3, $4::jsonb, $5, $6)
                        """,
                        founded.OrganizationId, founded.Slug, founded.Name, JsonSerializer.Serialize(founded.Charter, Json),
                        founded.FoundedBy, e.Timestamp);
                    break;

                case CandidateAdmitted admitted:
                    // A returning person's row is reused; vouches from their earlier candidacy no longer count.
                    await ExecuteAsync(connection, ct, "DELETE FROM vouches WHERE org_id = $1 AND candidate_key = $2",
                        admitted.OrganizationId, Handles.Key(admitted.Handle));
                    await ExecuteAsync(connection, ct, """
                        INSERT INTO memberships (org_id, handle_key, handle, status, invited_by, candidate_since)
                        VALUES ($1, $2, $3, 'candidate', $4, $5)
                        ON CONFLICT (org_id, handle_key) DO UPDATE
                           SET handle = excluded.handle, status = 'candidate', invited_by = excluded.invited_by,
                               candidate_since = excluded.candidate_since, member_since = NULL, left_at = NULL, founder = false
                        """,
                        admitted.OrganizationId, Handles.Key(admitted.Handle), admitted.Handle, admitted.InvitedBy, e.Timestamp);
                    break;

                case VouchGiven vouch:
                    await ExecuteAsync(connection, ct, """
                        INSERT INTO vouches (org_id, candidate_key, voucher_key, candidate, voucher, vouched_at)
                        VALUES ($1, $2, $3, $4, $5, $6)
                        """,
                        vouch.OrganizationId, Handles.Key(vouch.Candidate), Handles.Key(vouch.Voucher), vouch.Candidate, vouch.Voucher, e.Timestamp);
                    break;

                case MemberAdmitted member:
                    await ExecuteAsync(connection, ct, """
                        INSERT INTO memberships (org_id, handle_key, handle, status, founder, member_since)
                        VALUES ($1, $2, $3, 'member', $4, $5)
                        ON CONFLICT (org_id, handle_key) DO UPDATE
                           SET status = 'member', member_since = excluded.member_since, left_at = NULL
                        """,
                        member.OrganizationId, Handles.Key(member.Handle), member.Handle, member.Founder, e.Timestamp);
                    break;

                case MemberLeft left:
                    await ExecuteAsync(connection, ct,
                        "UPDATE memberships SET status = 'left', left_at = $3 WHERE org_id = $1 AND handle_key = $2",
                        left.OrganizationId, Handles.Key(left.Handle), e.Timestamp);
                    break;

                case InvitationIssued issued:
                    await ExecuteAsync(connection, ct, """
                        INSERT INTO invitations (id, org_id, issued_by, issued_at, expires_at, state)
                        VALUES ($1, $2, $3, $4, $5, 'open')
                        """,
                        issued.InvitationId, issued.OrganizationId, issued.IssuedBy, e.Timestamp, issued.ExpiresAt);
                    break;

                case InvitationRevoked revoked:
                    await ExecuteAsync(connection, ct,
                        "UPDATE invitations SET state = 'revoked', revoked_by = $2, closed_at = $3 WHERE id = $1",
                        revoked.InvitationId, revoked.RevokedBy, e.Timestamp);
                    break;

                case InvitationAccepted accepted:
                    await ExecuteAsync(connection, ct,
                        "UPDATE invitations SET state = 'accepted', accepted_by = $2, closed_at = $3 WHERE id = $1",
                        accepted.InvitationId, accepted.AcceptedBy, e.Timestamp);
                    break;
            }
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, CancellationToken ct, string sql, params object[] parameters)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters) cmd.Parameters.Add(p as NpgsqlParameter ?? new NpgsqlParameter { Value = p });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
