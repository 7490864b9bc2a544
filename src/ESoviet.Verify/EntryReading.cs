using System.Text.Json;

namespace ESoviet.Verify;

/// <summary>The entry types whose content the verifier replays; every other type is only hashed and linked.</summary>
public enum EntryType
{
    Other,
    OrganizationFounded,
    CharterAmended,
    ProposalSubmitted,
    ProposalRevised,
    VotingOpened,
    VoteCast,
    VotesRevealed,
    VotingClosed,
    MemberExpelled,
}

/// <summary>An entry's top-level members, and where its <c>data</c> value lies within the entry bytes.</summary>
public struct EntryHeader
{
    public string Org;
    public long Position;
    public long Seq;
    public Guid Id;
    public bool HasId;
    public EntryType Type;
    public string TypeName;
    public int DataStart;
    public int DataLength;
}

/// <summary>The body of a <c>vote_cast</c>; <see cref="Choice"/> is null for a sealed vote.</summary>
public struct VoteFields
{
    public Guid ProposalId;
    public string Voter;
    public Choice? Choice;
    public string? Commitment;
}

public sealed partial class LedgerVerifier
{
    private byte[] _lastOrgBytes = [];
    private string _lastOrg = "";

    /// <summary>
    /// Reads the entry's members with a forward-only reader (the document is built only for the few entry types that
    /// need it), validating the JSON on the way. Member order does not matter.
    /// </summary>
    private bool TryReadHeader(ReadOnlySpan<byte> entry, out EntryHeader header, out string why)
    {
        header = default;
        header.TypeName = "";
        why = "";
        bool hasOrg = false, hasPosition = false, hasSeq = false, hasType = false, hasData = false;
        try
        {
            var reader = new Utf8JsonReader(entry);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                why = "the entry is not a JSON object";
                return false;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("data"u8))
                {
                    reader.Read();
                    header.DataStart = (int)reader.TokenStartIndex;
                    reader.Skip();
                    header.DataLength = (int)reader.BytesConsumed - header.DataStart;
                    hasData = true;
                    continue;
                }
                var name = Member(ref reader);
                reader.Read();
                switch (name)
                {
                    case 1 when reader.TokenType == JsonTokenType.String:
                        header.Org = OrgString(ref reader);
                        hasOrg = header.Org.Length > 0;
                        break;
                    case 2 when reader.TokenType == JsonTokenType.Number:
                        hasPosition = reader.TryGetInt64(out header.Position);
                        break;
                    case 3 when reader.TokenType == JsonTokenType.Number:
                        hasSeq = reader.TryGetInt64(out header.Seq);
                        break;
                    case 4 when reader.TokenType == JsonTokenType.String:
                        header.HasId = reader.TryGetGuid(out header.Id);
                        break;
                    case 5 when reader.TokenType == JsonTokenType.String:
                        header.Type = TypeOf(ref reader, out header.TypeName);
                        hasType = true;
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                why = "the entry is not one JSON object";
                return false;
            }
        }
        catch (JsonException e)
        {
            why = $"the entry is not valid JSON: {e.Message}";
            return false;
        }
        if (!(hasOrg && hasPosition && hasSeq && hasType && hasData))
        {
            why = "the entry lacks one of org, position, seq, type or data";
            return false;
        }
        return true;
    }

    private static int Member(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("org"u8) ? 1
        : reader.ValueTextEquals("position"u8) ? 2
        : reader.ValueTextEquals("seq"u8) ? 3
        : reader.ValueTextEquals("id"u8) ? 4
        : reader.ValueTextEquals("type"u8) ? 5
        : 0;

    /// <summary>Lines of one organization follow each other: reuse its name rather than allocate it per line.</summary>
    private string OrgString(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && reader.ValueSpan.SequenceEqual(_lastOrgBytes)) return _lastOrg;
        _lastOrg = reader.GetString()!;
        _lastOrgBytes = reader.ValueIsEscaped ? [] : reader.ValueSpan.ToArray();
        return _lastOrg;
    }

    private static EntryType TypeOf(ref Utf8JsonReader reader, out string name)
    {
        (EntryType Type, string Name) known =
            reader.ValueTextEquals("vote_cast"u8) ? (EntryType.VoteCast, "vote_cast")
            : reader.ValueTextEquals("voting_opened"u8) ? (EntryType.VotingOpened, "voting_opened")
            : reader.ValueTextEquals("voting_closed"u8) ? (EntryType.VotingClosed, "voting_closed")
            : reader.ValueTextEquals("votes_revealed"u8) ? (EntryType.VotesRevealed, "votes_revealed")
            : reader.ValueTextEquals("proposal_submitted"u8) ? (EntryType.ProposalSubmitted, "proposal_submitted")
            : reader.ValueTextEquals("proposal_revised"u8) ? (EntryType.ProposalRevised, "proposal_revised")
            : reader.ValueTextEquals("organization_founded"u8) ? (EntryType.OrganizationFounded, "organization_founded")
            : reader.ValueTextEquals("charter_amended"u8) ? (EntryType.CharterAmended, "charter_amended")
            : reader.ValueTextEquals("member_expelled"u8) ? (EntryType.MemberExpelled, "member_expelled")
            : (EntryType.Other, "");
        name = known.Name;
        return known.Type;
    }

    /// <summary>Reads a vote_cast body; false when it is not an object with a proposalId, a voter and well-formed choice and commitment.</summary>
    private static bool TryReadVote(ReadOnlySpan<byte> data, out VoteFields vote)
    {
        vote = default;
        vote.Voter = "";
        bool hasProposal = false, hasVoter = false, choiceValid = true;
        try
        {
            var reader = new Utf8JsonReader(data);
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("proposalId"u8))
                {
                    reader.Read();
                    hasProposal = reader.TokenType == JsonTokenType.String && reader.TryGetGuid(out vote.ProposalId);
                }
                else if (reader.ValueTextEquals("voter"u8))
                {
                    reader.Read();
                    hasVoter = reader.TokenType == JsonTokenType.String;
                    if (hasVoter) vote.Voter = reader.GetString()!;
                }
                else if (reader.ValueTextEquals("choice"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        choiceValid = Counting.TryParseChoice(reader.GetString(), out var choice);
                        vote.Choice = choiceValid ? choice : null;
                    }
                    else choiceValid = reader.TokenType == JsonTokenType.Null;
                }
                else if (reader.ValueTextEquals("commitment"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String) vote.Commitment = reader.GetString();
                    else if (reader.TokenType != JsonTokenType.Null) return false;
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }
        return hasProposal && hasVoter && choiceValid;
    }
}
