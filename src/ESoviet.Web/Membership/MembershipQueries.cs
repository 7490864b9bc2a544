using System.Text.Json;
using Npgsql;

namespace ESoviet.Web.Membership;

/// <summary>An organization the signed-in person belongs to. <c>GET /api/orgs</c> returns a list of these.</summary>
public sealed record MyOrganization(string Slug, string Name, MemberStatus Status);

/// <summary>
/// <c>GET /api/orgs/{slug}</c>: the organization as its members and candidates see it; <see cref="You"/> is the caller.
/// </summary>
public sealed record OrganizationDetails(
    string Slug, string Name, string FoundedBy, DateTimeOffset FoundedAt, int MemberCount, int CandidateCount, int VouchesNeeded, Viewer You);

/// <summary>The caller's handle and standing in the organization.</summary>
public sealed record Viewer(string Handle, MemberStatus Status);

/// <summary>A vouch: which member vouched, and when.</summary>
public sealed record VouchEntry(string Voucher, DateTimeOffset VouchedAt);

/// <summary>
/// A current candidate or member. <see cref="Vouches"/> are those of their (last) candidacy: for a member, who
/// vouched them in; for a candidate, who has vouched so far. The founder has none.
/// </summary>
public sealed record MemberEntry(
    string Handle, MemberStatus Status, bool Founder, string? InvitedBy,
    DateTimeOffset? CandidateSince, DateTimeOffset? MemberSince, IReadOnlyList<VouchEntry> Vouches);

/// <summary>
/// <c>GET /api/orgs/{slug}/members</c>: candidates first (oldest first), then members by handle.
/// <see cref="VouchesNeeded"/> is what a candidate needs if a vouch were given now.
/// </summary>
public sealed record MemberList(int MemberCount, int CandidateCount, int VouchesNeeded, IReadOnlyList<MemberEntry> People);

/// <summary>An invitation as listed to members; the link itself is shown only once, when issued.</summary>
public sealed record InvitationEntry(
    Guid Id, string IssuedBy, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, InvitationStatus Status,
    string? AcceptedBy, string? RevokedBy, DateTimeOffset? ClosedAt);

/// <summary>What an invitation link leads to; only ever shown to someone holding a valid token.</summary>
public sealed record InvitationPreview(Guid InvitationId, Guid OrganizationId, string Slug, string OrganizationName, string IssuedBy, DateTimeOffset ExpiresAt, InvitationStatus Status);

/// <summary>Reads the membership read models. Every organization-scoped method takes an id the access check resolved.</summary>
public sealed class MembershipQueries(NpgsqlDataSource dataSource, TimeProvider time)
{
    public async Task<bool> AnyOrganizationAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM organizations)");
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task<bool> SlugTakenAsync(string slug, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM organizations WHERE slug = $1)");
        cmd.Parameters.AddWithValue(slug);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task<IReadOnlyList<MyOrganization>> MineAsync(Guid accountId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT o.slug, o.name, m.status
              FROM accounts a
              JOIN memberships m ON m.handle_key = a.handle_key AND m.status IN ('candidate', 'member')
              JOIN organizations o ON o.id = m.org_id
             WHERE a.id = $1
             ORDER BY lower(o.name), o.slug
            """);
        cmd.Parameters.AddWithValue(accountId);
        var list = new List<MyOrganization>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) list.Add(new MyOrganization(reader.GetString(0), reader.GetString(1), ParseStatus(reader.GetString(2))));
        return list;
    }

    public async Task<OrganizationDetails> DetailsAsync(OrgMember org, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT o.founded_by, o.founded_at, o.charter::text,
                   count(*) FILTER (WHERE m.status = 'member'), count(*) FILTER (WHERE m.status = 'candidate')
              FROM organizations o
              LEFT JOIN memberships m ON m.org_id = o.id
             WHERE o.id = $1
             GROUP BY o.id
            """);
        cmd.Parameters.AddWithValue(org.OrganizationId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var charter = ParseCharter(reader.GetString(2));
        var members = (int)reader.GetInt64(3);
        return new OrganizationDetails(org.Slug, org.Name, reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1),
            members, (int)reader.GetInt64(4), charter.VouchesNeeded(members), new Viewer(org.Handle, org.Status));
    }

    public async Task<Charter> CharterAsync(Guid organizationId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT charter::text FROM organizations WHERE id = $1");
        cmd.Parameters.AddWithValue(organizationId);
        return ParseCharter((string)(await cmd.ExecuteScalarAsync(ct))!);
    }

    /// <summary>Full members now: the figure vouch thresholds, quorums and the like are computed from.</summary>
    public async Task<int> MemberCountAsync(Guid organizationId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT count(*) FROM memberships WHERE org_id = $1 AND status = 'member'");
        cmd.Parameters.AddWithValue(organizationId);
        return (int)(long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task<MemberList> MembersAsync(Guid organizationId, CancellationToken ct)
    {
        var charter = await CharterAsync(organizationId, ct);
        await using var cmd = dataSource.CreateCommand("""
            SELECT m.handle, m.status, m.founder, m.invited_by, m.candidate_since, m.member_since,
                   coalesce(array_agg(v.voucher ORDER BY v.vouched_at, v.voucher) FILTER (WHERE v.voucher IS NOT NULL), '{}'),
                   coalesce(array_agg(v.vouched_at ORDER BY v.vouched_at, v.voucher) FILTER (WHERE v.voucher IS NOT NULL), '{}')
              FROM memberships m
              LEFT JOIN vouches v ON v.org_id = m.org_id AND v.candidate_key = m.handle_key
             WHERE m.org_id = $1 AND m.status IN ('candidate', 'member')
             GROUP BY m.org_id, m.handle_key
             ORDER BY m.status = 'member', CASE WHEN m.status = 'candidate' THEN m.candidate_since END, m.handle_key
            """);
        cmd.Parameters.AddWithValue(organizationId);
        var people = new List<MemberEntry>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var vouchers = reader.GetFieldValue<string[]>(6);
                var times = reader.GetFieldValue<DateTimeOffset[]>(7);
                people.Add(new MemberEntry(
                    reader.GetString(0), ParseStatus(reader.GetString(1)), reader.GetBoolean(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                    reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                    vouchers.Zip(times, (v, t) => new VouchEntry(v, t)).ToList()));
            }
        }
        var members = people.Count(p => p.Status == MemberStatus.Member);
        return new MemberList(members, people.Count - members, charter.VouchesNeeded(members), people);
    }

    public async Task<IReadOnlyList<InvitationEntry>> InvitationsAsync(Guid organizationId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT id, issued_by, issued_at, expires_at, state, accepted_by, revoked_by, closed_at
              FROM invitations WHERE org_id = $1
             ORDER BY issued_at DESC, id
            """);
        cmd.Parameters.AddWithValue(organizationId);
        var now = time.GetUtcNow();
        var list = new List<InvitationEntry>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var expires = reader.GetFieldValue<DateTimeOffset>(3);
            var status = reader.GetString(4) switch
            {
                "accepted" => InvitationStatus.Accepted,
                "revoked" => InvitationStatus.Revoked,
                _ => now >= expires ? InvitationStatus.Expired : InvitationStatus.Open,
            };
            list.Add(new InvitationEntry(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), expires, status,
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7)));
        }
        return list;
    }

    /// <summary>The invitation a link's token belongs to, or null for a token nobody issued.</summary>
    public async Task<InvitationPreview?> PreviewAsync(string? token, CancellationToken ct)
    {
        if (!InvitationTokens.LooksValid(token)) return null;
        await using var cmd = dataSource.CreateCommand("""
            SELECT i.id, o.id, o.slug, o.name, i.issued_by, i.expires_at, i.state
              FROM invitation_tokens t
              JOIN invitations i ON i.id = t.invitation_id
              JOIN organizations o ON o.id = i.org_id
             WHERE t.token_hash = $1
            """);
        cmd.Parameters.AddWithValue(InvitationTokens.Hash(token!));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        var expires = reader.GetFieldValue<DateTimeOffset>(5);
        var status = reader.GetString(6) switch
        {
            "accepted" => InvitationStatus.Accepted,
            "revoked" => InvitationStatus.Revoked,
            _ => time.GetUtcNow() >= expires ? InvitationStatus.Expired : InvitationStatus.Open,
        };
        return new InvitationPreview(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), expires, status);
    }

    /// <summary>Slug and name of an organization by id, for telling someone where they just joined.</summary>
    public async Task<(string Slug, string Name)> NameAsync(Guid organizationId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT slug, name FROM organizations WHERE id = $1");
        cmd.Parameters.AddWithValue(organizationId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetString(0), reader.GetString(1));
    }

    public static Charter ParseCharter(string json) =>
        JsonSerializer.Deserialize<Charter>(json, MembershipProjection.Json)
        ?? throw new InvalidOperationException("An organization has no charter.");

    private static MemberStatus ParseStatus(string status) => status switch
    {
        "candidate" => MemberStatus.Candidate,
        "member" => MemberStatus.Member,
        "left" => MemberStatus.Left,
        _ => MemberStatus.Expelled,
    };
}
