using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ESoviet.Web.Accounts;

/// <summary>The outcome of a password sign-in: the account, or a refusal that may say how long to wait.</summary>
public sealed record SignInAttempt(Account? Account, TimeSpan? RetryAfter)
{
    public bool Succeeded => Account is not null;
}

/// <summary>
/// Password sign-in with a per-handle lockout and exponential backoff. Whatever happens, the caller learns only
/// "signed in" or "handle or password is wrong" (plus, when locked, how long to wait), and unknown handles go
/// through the same counting and locking as known ones, so no answer tells whether a handle exists.
/// </summary>
public sealed class PasswordSignIn(AccountStore store, IOptionsMonitor<SignInProtectionOptions> options, TimeProvider time) : IDisposable
{
    public const string WrongHandleOrPassword = "Handle or password is wrong";

    // Failures against handles nobody holds, counted in memory only: writing them down would keep a list of
    // what people typed. A node restart forgets them; the per-address rate limit still applies.
    private readonly MemoryCache unknownHandles = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    public async Task<SignInAttempt> AttemptAsync(string handle, string password, CancellationToken ct)
    {
        var limits = options.CurrentValue;
        var now = time.GetUtcNow();
        var credentials = Handles.IsValid(handle) ? await store.FindCredentialsAsync(handle, ct) : null;
        if (credentials is null)
        {
            return FailUnknown(handle, password, limits, now);
        }

        // Refused without looking at the password: during a lock, guesses tell nothing and cost nothing.
        if (credentials.LockedUntil > now)
        {
            return new SignInAttempt(null, credentials.LockedUntil - now);
        }

        var verdict = AccountStore.VerifyPassword(credentials, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            var lockedUntil = await store.RecordFailedSignInAsync(credentials.Account.Id, limits, now, ct);
            return new SignInAttempt(null, lockedUntil - now);
        }

        await store.CompleteSignInAsync(credentials, password, verdict == PasswordVerificationResult.SuccessRehashNeeded, ct);
        return new SignInAttempt(credentials.Account, null);
    }

    private SignInAttempt FailUnknown(string handle, string password, SignInProtectionOptions limits, DateTimeOffset now)
    {
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Handles.Key(handle))));
        var counter = unknownHandles.GetOrCreate(key, entry =>
        {
            entry.Size = 1;
            entry.SlidingExpiration = limits.LockoutMax + limits.LockoutMax;
            return new FailureCounter();
        })!;

        lock (counter)
        {
            if (counter.LockedUntil > now)
            {
                return new SignInAttempt(null, counter.LockedUntil - now);
            }
        }

        AccountStore.VerifyDummyPassword(password);
        lock (counter)
        {
            counter.Failures++;
            if (limits.LockFor(counter.Failures) is { } lockFor)
            {
                counter.LockedUntil = now + lockFor;
            }

            return new SignInAttempt(null, counter.LockedUntil > now ? counter.LockedUntil - now : null);
        }
    }

    public void Dispose() => unknownHandles.Dispose();

    private sealed class FailureCounter
    {
        public int Failures { get; set; }

        public DateTimeOffset? LockedUntil { get; set; }
    }
}
