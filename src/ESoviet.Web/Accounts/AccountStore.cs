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

    /// <summary>The account's current security stamp, or null when the account is gone; checked on every cookie request.</summary>
    public async Task<Guid?> FindSecurityStampAsync(Guid id, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT security_stamp FROM accounts WHERE id = $1");
        cmd.Parameters.AddWithValue(id);
        return await cmd.ExecuteScalarAsync(ct) is Guid stamp ? stamp : null;
    }

    /// <summary>What sign-in needs to decide: the account, its password hash and its lockout state.</summary>
    internal sealed record Credentials(Account Account, string PasswordHash, int FailedSignIns, DateTimeOffset? LockedUntil);

    internal async Task<Credentials?> FindCredentialsAsync(string handle, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT id, handle, security_stamp, mentions_enabled, password_hash, failed_sign_ins, locked_until
            FROM accounts WHERE handle_key = $1
            """);
        cmd.Parameters.AddWithValue(Handles.Key(handle));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new Credentials(
            new Account(reader.GetGuid(0), reader.GetString(1), reader.GetGuid(2), reader.GetBoolean(3)),
            reader.GetString(4),
            reader.GetInt32(5),
            reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6));
    }

    internal static PasswordVerificationResult VerifyPassword(Credentials credentials, string password) =>
        Hasher.VerifyHashedPassword(credentials.Account, credentials.PasswordHash, password);

    /// <summary>Spends a password verification's work on nothing, so an unknown handle answers as slowly as a known one.</summary>
    internal static void VerifyDummyPassword(string password) => Hasher.VerifyHashedPassword(null!, DummyHash, password);

    /// <summary>Counts a wrong password and returns the lock it earns, if any. Atomic, so parallel guesses all count.</summary>
    internal async Task<DateTimeOffset?> RecordFailedSignInAsync(Guid id, SignInProtectionOptions limits, DateTimeOffset now, CancellationToken ct)
    {
        // The count is read and raised in one statement; the lock length is then computed from the new count.
        await using var cmd = dataSource.CreateCommand(
            "UPDATE accounts SET failed_sign_ins = failed_sign_ins + 1 WHERE id = $1 RETURNING failed_sign_ins");
        cmd.Parameters.AddWithValue(id);
        var failures = (int)(await cmd.ExecuteScalarAsync(ct))!;
        if (limits.LockFor(failures) is not { } lockFor)
        {
            return null;
        }

        // From the attempt's start, so the wait reported is the configured one and not a hash verification longer.
        var lockedUntil = now + lockFor;
        await using var lockCmd = dataSource.CreateCommand(
            "UPDATE accounts SET locked_until = greatest(locked_until, $2) WHERE id = $1");
        lockCmd.Parameters.AddWithValue(id);
        lockCmd.Parameters.AddWithValue(lockedUntil);
        await lockCmd.ExecuteNonQueryAsync(ct);
        return lockedUntil;
    }

    /// <summary>After a correct password: forget earlier failures, and store a stronger hash if the hasher asks for one.</summary>
    internal async Task CompleteSignInAsync(Credentials credentials, string password, bool rehash, CancellationToken ct)
    {
        if (credentials is { FailedSignIns: 0, LockedUntil: null } && !rehash)
        {
            return;
        }

        await using var cmd = dataSource.CreateCommand("""
            UPDATE accounts SET failed_sign_ins = 0, locked_until = NULL, password_hash = coalesce($2, password_hash)
            WHERE id = $1
            """);
        cmd.Parameters.AddWithValue(credentials.Account.Id);
        cmd.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = rehash ? HashPassword(password) : null, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Checks the password of a signed-in account (re-authentication before a sensitive change).</summary>
    internal async Task<bool> VerifyPasswordAsync(Guid id, string password, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT handle, security_stamp, password_hash FROM accounts WHERE id = $1");
        cmd.Parameters.AddWithValue(id);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            VerifyDummyPassword(password);
            return false;
        }

        var account = new Account(id, reader.GetString(0), reader.GetGuid(1), false);
        return Hasher.VerifyHashedPassword(account, reader.GetString(2), password) != PasswordVerificationResult.Failed;
    }

    /// <summary>
    /// Sets a new password, rotates the security stamp (every other session ends at its next request) and lifts
    /// any lockout: the guesses counted so far were against the old password. Returns the account with its new stamp.
    /// </summary>
    internal async Task<Account?> ChangePasswordAsync(Guid id, string newPassword, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            UPDATE accounts SET password_hash = $2, security_stamp = $3, failed_sign_ins = 0, locked_until = NULL
            WHERE id = $1
            RETURNING id, handle, security_stamp, mentions_enabled
            """);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(HashPassword(newPassword));
        cmd.Parameters.AddWithValue(Guid.NewGuid());
        return await ReadAccountAsync(cmd, ct);
    }

    /// <summary>Rotates the security stamp and revokes every personal access token: "sign out everywhere".</summary>
    internal async Task SignOutEverywhereAsync(Guid id, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        var rotate = new NpgsqlBatchCommand("UPDATE accounts SET security_stamp = $2 WHERE id = $1");
        rotate.Parameters.AddWithValue(id);
        rotate.Parameters.AddWithValue(Guid.NewGuid());
        var revoke = new NpgsqlBatchCommand("UPDATE access_tokens SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL");
        revoke.Parameters.AddWithValue(id);
        revoke.Parameters.AddWithValue(time.GetUtcNow());
        batch.BatchCommands.Add(rotate);
        batch.BatchCommands.Add(revoke);

        // A batch runs in one implicit transaction: both or neither.
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Replaces every recovery code (used or not) with ten new ones, returned in clear text to show once.</summary>
    internal async Task<IReadOnlyList<string>> ReplaceRecoveryCodesAsync(Guid id, CancellationToken ct)
    {
        var codes = NewRecoveryCodes();
        await using var batch = dataSource.CreateBatch();
        var delete = new NpgsqlBatchCommand("DELETE FROM recovery_codes WHERE account_id = $1");
        delete.Parameters.AddWithValue(id);
        batch.BatchCommands.Add(delete);
        batch.BatchCommands.Add(RecoveryCodesCommand(id, codes));
        await batch.ExecuteNonQueryAsync(ct);
        return codes;
    }

    /// <summary>How many of the account's recovery codes are still unused.</summary>
    internal async Task<int> CountUnusedRecoveryCodesAsync(Guid id, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT count(*) FROM recovery_codes WHERE account_id = $1 AND used_at IS NULL");
        cmd.Parameters.AddWithValue(id);
        return (int)(long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Spends one recovery code: marks it used and returns its account, or null when the handle, the code or both
    /// are wrong or the code was used. One statement, so two requests racing with the same code cannot both win.
    /// </summary>
    internal async Task<Account?> UseRecoveryCodeAsync(string handle, string code, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            UPDATE recovery_codes r SET used_at = $3
            FROM accounts a
            WHERE a.handle_key = $1 AND r.account_id = a.id AND r.code_hash = $2 AND r.used_at IS NULL
            RETURNING a.id, a.handle, a.security_stamp, a.mentions_enabled
            """);
        cmd.Parameters.AddWithValue(Handles.Key(handle));
        cmd.Parameters.AddWithValue(HashSecret(NormalizeRecoveryCode(code)));
        cmd.Parameters.AddWithValue(time.GetUtcNow());
        return await ReadAccountAsync(cmd, ct);
    }

    /// <summary>People type codes with spaces, without the dash or in capitals; all of those mean the same code.</summary>
    internal static string NormalizeRecoveryCode(string code)
    {
        var bare = new string(code.Where(char.IsLetterOrDigit).ToArray()).ToLowerInvariant();
        return bare.Length == 10 ? bare[..5] + "-" + bare[5..] : bare;
    }

    /// <summary>Whether others' "@handle" in a contribution notifies this account. Off: the handle stays plain text to them all the same.</summary>
    public async Task SetMentionsEnabledAsync(Guid accountId, bool enabled, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("UPDATE accounts SET mentions_enabled = $2 WHERE id = $1");
        cmd.Parameters.AddWithValue(accountId);
        cmd.Parameters.AddWithValue(enabled);
        await cmd.ExecuteNonQueryAsync(ct);
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
