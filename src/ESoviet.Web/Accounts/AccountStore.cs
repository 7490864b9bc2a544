using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace ESoviet.Web.Accounts;

public sealed record Account(Guid Id, string Handle, Guid SecurityStamp, bool MentionsEnabled);

/// <summary>An account ready to insert, with its recovery codes in clear text to show once.</summary>
public sealed record NewAccount(Guid Id, string Handle, string PasswordHash, Guid SecurityStamp, IReadOnlyList<string> RecoveryCodes);

/// <summary>The handle was taken between the check and the insert (or the check was skipped).</summary>
public sealed class HandleTakenException(string handle) : Exception($"The handle '{handle}' is taken.")
{
    public string Handle { get; } = handle;
}

/// <summary>Reads and writes the accounts table. Credentials never leave this class except as hashes.</summary>
public sealed class AccountStore(NpgsqlDataSource dataSource, TimeProvider time)
{
    public const int MinimumPasswordLength = 12;
    public const int RecoveryCodeCount = 10;

    private static readonly PasswordHasher<Account> Hasher = new();

    /// <summary>Field errors for a new account's handle and password, keyed by field name; empty when valid.</summary>
    public static Dictionary<string, string[]> Validate(string? handle, string? password)
    {
        var errors = new Dictionary<string, string[]>();
        if (!Handles.IsValid(handle)) errors["handle"] = ["A handle is " + Handles.Rule];
        var passwordError = ValidatePassword(password);
        if (passwordError is not null) errors["password"] = [passwordError];
        return errors;
    }

    public static string? ValidatePassword(string? password) =>
        password is null || password.Length < MinimumPasswordLength
            ? $"A password needs at least {MinimumPasswordLength} characters."
            : password.Length > 1024 ? "A password may have at most 1024 characters." : null;

    public NewAccount Prepare(string handle, string password)
    {
        var id = Guid.CreateVersion7(time.GetUtcNow());
        return new NewAccount(id, handle, Hasher.HashPassword(null!, password), Guid.NewGuid(), NewRecoveryCodes());
    }

    /// <summary>Inserts the account (and its recovery codes' hashes) on the caller's connection, inside its transaction.</summary>
    public async Task InsertAsync(NpgsqlConnection connection, NewAccount account, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection);
        var insert = new NpgsqlBatchCommand("""
            INSERT INTO accounts (id, handle, handle_key, password_hash, security_stamp, created_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            """);
        insert.Parameters.AddWithValue(account.Id);
        insert.Parameters.AddWithValue(account.Handle);
        insert.Parameters.AddWithValue(Handles.Key(account.Handle));
        insert.Parameters.AddWithValue(account.PasswordHash);
        insert.Parameters.AddWithValue(account.SecurityStamp);
        insert.Parameters.AddWithValue(time.GetUtcNow());
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(RecoveryCodesCommand(account.Id, account.RecoveryCodes));
        try
        {
            await batch.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "accounts_handle_unique" })
        {
            throw new HandleTakenException(account.Handle);
        }
    }

    public async Task<bool> HandleExistsAsync(string handle, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM accounts WHERE handle_key = $1)");
        cmd.Parameters.AddWithValue(Handles.Key(handle));
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task<Account?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT id, handle, security_stamp, mentions_enabled FROM accounts WHERE id = $1");
        cmd.Parameters.AddWithValue(id);
        return await ReadAccountAsync(cmd, ct);
    }

    public async Task<Account?> FindByHandleAsync(string handle, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT id, handle, security_stamp, mentions_enabled FROM accounts WHERE handle_key = $1");
        cmd.Parameters.AddWithValue(Handles.Key(handle));
        return await ReadAccountAsync(cmd, ct);
    }

    /// <summary>Checks a password without any lockout bookkeeping; sign-in adds that on top.</summary>
    public async Task<Account?> CheckPasswordAsync(string handle, string password, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "SELECT id, handle, security_stamp, mentions_enabled, password_hash FROM accounts WHERE handle_key = $1");
        cmd.Parameters.AddWithValue(Handles.Key(handle));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            // Spend the same work on unknown handles, so timing does not tell which handles exist.
            Hasher.VerifyHashedPassword(null!, DummyHash, password);
            return null;
        }
        var account = new Account(reader.GetGuid(0), reader.GetString(1), reader.GetGuid(2), reader.GetBoolean(3));
        return Hasher.VerifyHashedPassword(account, reader.GetString(4), password) == PasswordVerificationResult.Failed ? null : account;
    }

    public static string HashPassword(string password) => Hasher.HashPassword(null!, password);

    public static string HashSecret(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret.Trim().ToLowerInvariant())));

    internal static NpgsqlBatchCommand RecoveryCodesCommand(Guid accountId, IReadOnlyList<string> codes)
    {
        var command = new NpgsqlBatchCommand("INSERT INTO recovery_codes (account_id, code_hash) SELECT $1, unnest($2::text[])");
        command.Parameters.AddWithValue(accountId);
        command.Parameters.AddWithValue(codes.Select(HashSecret).ToArray());
        return command;
    }

    /// <summary>Ten codes of ten characters from an unambiguous 31-letter alphabet (about 49 bits each), grouped: <c>k7m2q-9xw4d</c>.</summary>
    public static IReadOnlyList<string> NewRecoveryCodes()
    {
        const string alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
        return Enumerable.Range(0, RecoveryCodeCount).Select(_ =>
        {
            var chars = RandomNumberGenerator.GetString(alphabet, 10);
            return chars[..5] + "-" + chars[5..];
        }).ToList();
    }

    private static readonly string DummyHash = Hasher.HashPassword(null!, "not a real password, only for timing");

    private static async Task<Account?> ReadAccountAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new Account(reader.GetGuid(0), reader.GetString(1), reader.GetGuid(2), reader.GetBoolean(3))
            : null;
    }
}
