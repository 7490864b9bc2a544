using System.Security.Cryptography;
using System.Text;

namespace ESoviet.Verify;

/// <summary>The commitment a sealed vote carries until the roll call is revealed (docs/ledger.md, "Sealed votes").</summary>
public static class Commitments
{
    /// <summary>
    /// Lowercase hex SHA-256 of the UTF-8 bytes of
    /// <c>"esoviet-vote-v1\n{proposalId}\n{voter}\n{choice}\n{reason or empty}\n{nonce}"</c>.
    /// </summary>
    public static string Compute(Guid proposalId, string voter, Choice choice, string? reason, string nonce)
    {
        var text = $"esoviet-vote-v1\n{proposalId:D}\n{voter}\n{Counting.Word(choice)}\n{reason ?? ""}\n{nonce}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
