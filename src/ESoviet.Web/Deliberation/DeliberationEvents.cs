using ESoviet.Web.Infrastructure;

namespace ESoviet.Web.Deliberation;

/// <summary>
/// The optional header of a contribution: why it is written, to whom it matters, where its facts come from,
/// and the writer's own assessment. Serious internal correspondence states these; a thread may require them.
/// </summary>
public sealed record ContributionStructure(string? Why, string? ToWhom, string? Source, string? Analysis)
{
    public bool IsEmpty => Blank(Why) && Blank(ToWhom) && Blank(Source) && Blank(Analysis);

    public bool IsComplete => !Blank(Why) && !Blank(ToWhom) && !Blank(Source) && !Blank(Analysis);

    /// <summary>Trims the fields and drops the header altogether when every field is empty.</summary>
    public static ContributionStructure? Normalize(ContributionStructure? structure)
    {
        if (structure is null) return null;
        var trimmed = new ContributionStructure(Trim(structure.Why), Trim(structure.ToWhom), Trim(structure.Source), Trim(structure.Analysis));
        return trimmed.IsEmpty ? null : trimmed;
    }

    private static bool Blank(string? s) => string.IsNullOrWhiteSpace(s);

    private static string? Trim(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}

/// <summary>A file attached as evidence: the record names it by its SHA-256, the bytes live in the attachment store.</summary>
public sealed record AttachmentRef(string Sha256, string FileName, string ContentType, long Size);

/// <summary>A thread was opened. Its opening contribution follows as <see cref="ContributionPosted"/> in the same commit.</summary>
public sealed record ThreadStarted(Guid ThreadId, string Title, IReadOnlyList<string> Tags, bool RequiresStructure, string Author, Guid OpeningContributionId)
    : IDomainEvent;

/// <summary>A thread was closed for new contributions (by an adopted decision).</summary>
public sealed record ThreadClosed(Guid ThreadId, string Reason) : IDomainEvent;

/// <summary>A contribution was written: the opening post (no parent) or a reply.</summary>
public sealed record ContributionPosted(
    Guid ContributionId,
    Guid ThreadId,
    Guid? ParentId,
    string Author,
    string Markdown,
    ContributionStructure? Structure,
    IReadOnlyList<AttachmentRef> Attachments) : IDomainEvent;

/// <summary>The author replaced the text; the earlier versions stay in the stream.</summary>
public sealed record ContributionEdited(
    Guid ContributionId,
    Guid ThreadId,
    string Author,
    string Markdown,
    ContributionStructure? Structure,
    IReadOnlyList<AttachmentRef> Attachments) : IDomainEvent;

/// <summary>The author withdrew the contribution: its text is hidden, its history is not.</summary>
public sealed record ContributionRetracted(Guid ContributionId, Guid ThreadId, string Author) : IDomainEvent;

public static class DeliberationStreams
{
    public static string Thread(Guid id) => "thread-" + id;

    public static string Contribution(Guid id) => "contribution-" + id;
}
