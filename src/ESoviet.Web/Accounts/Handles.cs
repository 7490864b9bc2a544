using System.Text.RegularExpressions;

namespace ESoviet.Web.Accounts;

/// <summary>Handles are the only name a member has: 3–32 letters, digits, '-' or '_', unique ignoring case.</summary>
public static partial class Handles
{
    public const string Rule = "3 to 32 characters: letters, digits, '-' and '_'.";

    public static bool IsValid(string? handle) => handle is not null && Pattern().IsMatch(handle);

    /// <summary>The key uniqueness is checked on: "Anna" and "anna" are the same handle.</summary>
    public static string Key(string handle) => handle.ToLowerInvariant();

    [GeneratedRegex("^[A-Za-z0-9_-]{3,32}$")]
    private static partial Regex Pattern();
}
