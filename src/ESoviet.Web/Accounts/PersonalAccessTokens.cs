using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace ESoviet.Web.Accounts;

public sealed record AccessTokenInfo(Guid Id, string Name, DateTimeOffset CreatedAt, DateOnly? LastUsedOn, DateTimeOffset? RevokedAt);

public sealed record NewAccessToken(Guid Id, string Name, string Token, DateTimeOffset CreatedAt);

/// <summary>
/// Personal access tokens: <c>esv_</c> + 32 random bytes in base64url, for programs that act as an account.
/// Only the token's SHA-256 is stored, so a copy of the database cannot be replayed as tokens.
/// </summary>
public sealed class PersonalAccessTokens(NpgsqlDataSource dataSource, TimeProvider time)
{
    public const string Prefix = "esv_";
    public const int MaxNameLength = 100;

    /// <summary>Live (unrevoked) tokens per account; a bound so a hijacked session cannot mint thousands.</summary>
    public const int MaxLiveTokens = 50;

    // 32 bytes in unpadded base64url are 43 characters.
    private const int TokenLength = 4 + 43;

    public static string? ValidateName(string? name) =>
        string.IsNullOrWhiteSpace(name) ? "Give the token a name, so you know later what it is for."
        : name.Trim().Length > MaxNameLength ? $"A token name may have at most {MaxNameLength} characters."
        : null;

    /// <summary>Cheap shape check before any database work; also keeps junk headers out of the hash lookup.</summary>
    public static bool LooksLikeToken(string token) =>
        token.Length == TokenLength && token.StartsWith(Prefix, StringComparison.Ordinal)
        && token.AsSpan(Prefix.Length).IndexOfAnyExcept(Base64UrlAlphabet) < 0;

    // Not AccountStore.HashSecret: that one folds case, and base64url is case-sensitive.
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));

    /// <summary>Creates a token and returns it in clear text, the only time it exists outside the caller's hands. Null when the account has too many.</summary>
    public async Task<NewAccessToken?> CreateAsync(Guid accountId, string name, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var token = Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        await using var command = dataSource.CreateCommand("""
            INSERT INTO access_tokens (id, account_id, name, token_hash, created_at)
            SELECT $1, $2, $3, $4, $5
            WHERE (SELECT count(*) FROM access_tokens WHERE account_id = $2 AND revoked_at IS NULL) < $6
            """);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(accountId);
        command.Parameters.AddWithValue(name.Trim());
        command.Parameters.AddWithValue(Hash(token));
        command.Parameters.AddWithValue(now);
        command.Parameters.AddWithValue(MaxLiveTokens);
        return await command.ExecuteNonQueryAsync(ct) == 1 ? new NewAccessToken(id, name.Trim(), token, now) : null;
    }

    public async Task<IReadOnlyList<AccessTokenInfo>> ListAsync(Guid accountId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, name, created_at, last_used_on, revoked_at FROM access_tokens
            WHERE account_id = $1 ORDER BY revoked_at IS NOT NULL, created_at DESC
            """);
        command.Parameters.AddWithValue(accountId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var tokens = new List<AccessTokenInfo>();
        while (await reader.ReadAsync(ct))
        {
            tokens.Add(new AccessTokenInfo(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.GetFieldValue<DateTimeOffset>(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<DateOnly>(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return tokens;
    }

    /// <summary>Revokes one of the account's tokens; false when it has no such live token.</summary>
    public async Task<bool> RevokeAsync(Guid accountId, Guid tokenId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE access_tokens SET revoked_at = $3 WHERE id = $1 AND account_id = $2 AND revoked_at IS NULL");
        command.Parameters.AddWithValue(tokenId);
        command.Parameters.AddWithValue(accountId);
        command.Parameters.AddWithValue(time.GetUtcNow());
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>The principal a live token stands for, or null. Records the day of use, at most one write a day.</summary>
    public async Task<ClaimsPrincipal?> AuthenticateAsync(string token, CancellationToken ct)
    {
        if (!LooksLikeToken(token))
        {
            return null;
        }

        Guid tokenId, accountId, stamp;
        string handle;
        DateOnly? lastUsed;
        await using (var command = dataSource.CreateCommand("""
            SELECT t.id, a.id, a.handle, a.security_stamp, t.last_used_on
            FROM access_tokens t JOIN accounts a ON a.id = t.account_id
            WHERE t.token_hash = $1 AND t.revoked_at IS NULL
            """))
        {
            command.Parameters.AddWithValue(Hash(token));
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }

            (tokenId, accountId, handle, stamp) = (reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetGuid(3));
            lastUsed = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateOnly>(4);
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (lastUsed != today)
        {
            // A day's first use is recorded without waiting for the disk (synchronous_commit off for this transaction
            // only): losing it in a crash costs nothing, and waiting would add a second WAL flush to the request.
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await using var update = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand("SET LOCAL synchronous_commit TO off"),
                    new NpgsqlBatchCommand("UPDATE access_tokens SET last_used_on = $2 WHERE id = $1 AND last_used_on IS DISTINCT FROM $2")
                    {
                        Parameters = { new() { Value = tokenId }, new() { Value = today } },
                    },
                },
            };
            await update.ExecuteNonQueryAsync(ct);
            await transaction.CommitAsync(ct);
        }

        return AccountClaims.Create(accountId, handle, stamp, AccountsSetup.TokenScheme, [new Claim(AccountClaims.TokenId, tokenId.ToString())]);
    }

    private static readonly System.Buffers.SearchValues<char> Base64UrlAlphabet =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
}
