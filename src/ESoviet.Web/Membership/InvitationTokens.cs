using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace ESoviet.Web.Membership;

/// <summary>
/// The secret in an invitation link: 32 random bytes, base64url (43 characters). The server keeps only its SHA-256,
/// so a copy of the database (or of the event log, which never sees it) cannot be turned into working links.
/// A plain hash suffices, unlike for passwords: 256 random bits cannot be guessed from their hash.
/// </summary>
public static class InvitationTokens
{
    public const int Length = 43;

    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));

    /// <summary>Rejects anything that cannot be a token before it reaches the database.</summary>
    public static bool LooksValid(string? token) =>
        token is { Length: Length } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>The work to enlist in the session appending <see cref="InvitationIssued"/>.</summary>
    public static Func<NpgsqlConnection, CancellationToken, Task> Store(string token, Guid invitationId) => async (connection, ct) =>
    {
        await using var cmd = new NpgsqlCommand("INSERT INTO invitation_tokens (token_hash, invitation_id) VALUES ($1, $2)", connection);
        cmd.Parameters.AddWithValue(Hash(token));
        cmd.Parameters.AddWithValue(invitationId);
        await cmd.ExecuteNonQueryAsync(ct);
    };

    public static async Task<Guid?> FindInvitationAsync(NpgsqlDataSource dataSource, string? token, CancellationToken ct)
    {
        if (!LooksValid(token)) return null;
        await using var cmd = dataSource.CreateCommand("SELECT invitation_id FROM invitation_tokens WHERE token_hash = $1");
        cmd.Parameters.AddWithValue(Hash(token!));
        return await cmd.ExecuteScalarAsync(ct) is Guid id ? id : null;
    }
}
