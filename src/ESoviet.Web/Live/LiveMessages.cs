using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ESoviet.Web.Deliberation;
using ESoviet.Web.Voting;

namespace ESoviet.Web.Live;

// What the hub sends. Every pushed event is { seq, type, topic, data }: seq the event's global sequence number, type
// its stored name (vote_cast, contribution_posted, …), topic as the client subscribed to it, data what a page needs
// to update itself. The one exception is type "tally", which is no event of its own: the newest count of a proposal
// whose per-vote tallies were coalesced during a burst, carrying the seq of the newest vote it includes.

/// <summary>The client methods the hub calls.</summary>
public static class LiveTargets
{
    /// <summary>One event: <c>{ seq, type, topic, data }</c>.</summary>
    public const string Event = "event";

    /// <summary>Several events in sequence order, as an array of what <see cref="Event"/> carries.</summary>
    public const string Events = "events";

    /// <summary>A subscription stopped: <see cref="EndedMessage"/>.</summary>
    public const string Ended = "ended";
}

/// <summary>Synthetic event type of a coalesced tally.</summary>
public static class LiveTypes
{
    public const string Tally = "tally";
}

public sealed record LiveEventMessage(long Seq, string Type, string Topic, object Data);

public sealed record ThreadStartedData(Guid ThreadId, string Title, IReadOnlyList<string> Tags, string Author, Guid OpeningContributionId, DateTimeOffset At);

/// <summary>
/// A contribution as it stands now (posted or edited): its sanitized HTML as stored, never re-rendered; empty when it
/// has since been retracted. <see cref="Depth"/> is 0 for the opening post and for replies to the thread itself.
/// </summary>
public sealed record ContributionData(
    Guid ContributionId, Guid ThreadId, Guid? ParentId, string Author, int Position, int Depth, string Html,
    ContributionStructure? Structure, IReadOnlyList<AttachmentRef> Attachments, DateTimeOffset CreatedAt, DateTimeOffset? EditedAt,
    int Version, bool Retracted);

public sealed record ContributionRetractedData(Guid ContributionId, Guid ThreadId, string Author, DateTimeOffset At);

public sealed record ThreadClosedData(Guid ThreadId, string Reason, DateTimeOffset At);

/// <summary>
/// One roll-call row as the vote left it. Under a roll-call revealed at close <see cref="Sealed"/> is true and choice and
/// reason are null: the event itself holds only a commitment, so there is nothing to leak.
/// </summary>
public sealed record RollCallEntry(string Voter, VoteChoice? Choice, string? Reason, DateTimeOffset CastAt, int Changes, bool Sealed);

/// <summary>A vote and, unless coalesced into a later message, the tally right after it.</summary>
public sealed record VoteData(Guid ProposalId, RollCallEntry Row, TallyView? Tally);

public sealed record TallyData(Guid ProposalId, TallyView Tally);

/// <summary>At close, every current vote with its choice: the whole roll call, opened.</summary>
public sealed record VotesRevealedData(Guid ProposalId, IReadOnlyList<RollCallRow> Votes, TallyView? Tally);

/// <summary>What <c>CatchUp</c> answers: the topic's events after the given seq up to <see cref="UpTo"/>; call again from there while <see cref="More"/>.</summary>
public sealed record CatchUpResult(IReadOnlyList<LiveFrame> Events, long UpTo, bool More);

/// <summary>Sent as <c>ended</c> when a subscription stops because its reader may no longer read the topic.</summary>
public sealed record EndedMessage(string Topic, string Reason);

/// <summary>
/// An event message serialized once, sent to every subscriber as it is: the JSON protocol writes these bytes in place
/// instead of serializing the event again for each connection.
/// </summary>
[JsonConverter(typeof(LiveFrameConverter))]
public sealed class LiveFrame(long seq, string type, byte[] utf8Json)
{
    public long Seq { get; } = seq;

    public string Type { get; } = type;

    public ReadOnlyMemory<byte> Json { get; } = utf8Json;

    public static LiveFrame Create(LiveEventMessage message) =>
        new(message.Seq, message.Type, JsonSerializer.SerializeToUtf8Bytes(message, LiveJson.Options));
}

public sealed class LiveFrameConverter : JsonConverter<LiveFrame>
{
    public override LiveFrame Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("Live frames are only written.");

    public override void Write(Utf8JsonWriter writer, LiveFrame value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.Json.Span, skipInputValidation: true);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(LiveEventMessage))]
[JsonSerializable(typeof(ThreadStartedData))]
[JsonSerializable(typeof(ContributionData))]
[JsonSerializable(typeof(ContributionRetractedData))]
[JsonSerializable(typeof(ThreadClosedData))]
[JsonSerializable(typeof(VoteData))]
[JsonSerializable(typeof(TallyData))]
[JsonSerializable(typeof(VotesRevealedData))]
[JsonSerializable(typeof(CatchUpResult))]
[JsonSerializable(typeof(EndedMessage))]
[JsonSerializable(typeof(List<LiveFrame>))]
internal sealed partial class LiveJsonContext : JsonSerializerContext;

public static class LiveJson
{
    /// <summary>
    /// Web defaults (camelCase, enums as their snake_case words), generated code for the live payloads and reflection for
    /// the domain events passed through as they are (a proposal's lifecycle events).
    /// </summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = JsonTypeInfoResolver.Combine(LiveJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };

    internal static IJsonTypeInfoResolver Resolver => LiveJsonContext.Default;
}
