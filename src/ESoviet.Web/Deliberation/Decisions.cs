using System.Text.RegularExpressions;
using ESoviet.Web.Infrastructure;

namespace ESoviet.Web.Deliberation;

public sealed record StartThread(
    string? Title, IReadOnlyList<string>? Tags, bool RequiresStructure, string? Markdown, ContributionStructure? Structure, IReadOnlyList<AttachmentRef> Attachments);

public sealed record PostReply(Guid? ParentId, string? Markdown, ContributionStructure? Structure, IReadOnlyList<AttachmentRef> Attachments);

public sealed record EditContribution(string? Markdown, ContributionStructure? Structure, IReadOnlyList<AttachmentRef> Attachments);

/// <summary>What a decision needs to know about a thread.</summary>
public sealed record ThreadFacts(Guid Id, bool IsOpen);

/// <summary>A contribution as rebuilt from its own stream.</summary>
public sealed class ContributionState
{
    public Guid Id { get; private set; }
    public Guid ThreadId { get; private set; }
    public string Author { get; private set; } = "";
    public bool Retracted { get; private set; }
    public string Markdown { get; private set; } = "";
    public ContributionStructure? Structure { get; private set; }
    public IReadOnlyList<AttachmentRef> Attachments { get; private set; } = [];

    public void Apply(ContributionPosted e) => (Id, ThreadId, Author, Markdown, Structure, Attachments) = (e.ContributionId, e.ThreadId, e.Author, e.Markdown, e.Structure, e.Attachments);
    public void Apply(ContributionEdited e) => (Markdown, Structure, Attachments) = (e.Markdown, e.Structure, e.Attachments);
    public void Apply(ContributionRetracted _) => Retracted = true;
}

/// <summary>The rules of debate, as pure functions from facts and a command to events or a rejection.</summary>
public static partial class DeliberationDecisions
{
    public static Decision StartThread(StartThread command, string author, Guid threadId, Guid openingId, DeliberationOptions limits)
    {
        var errors = new Dictionary<string, string[]>();
        var title = command.Title?.Trim() ?? "";
        if (title.Length == 0) errors["title"] = ["A thread needs a title."];
        else if (title.Length > limits.MaxTitleLength) errors["title"] = [$"A title may have at most {limits.MaxTitleLength} characters."];

        var tags = NormalizeTags(command.Tags, limits, errors);
        var structure = ContributionStructure.Normalize(command.Structure);
        CheckBody(command.Markdown, structure, command.Attachments, limits, errors);
        if (command.RequiresStructure && structure is not { IsComplete: true })
            errors["structure"] = ["This thread asks its opening post to say why, to whom, from which source, and with what analysis."];
        if (errors.Count > 0) return Rejection.Invalid(errors);

        return Decision.Accept(
            new ThreadStarted(threadId, title, tags, command.RequiresStructure, author, openingId),
            new ContributionPosted(openingId, threadId, null, author, command.Markdown!, structure, command.Attachments));
    }

    /// <param name="parent">The contribution replied to, or null for a reply to the thread itself.</param>
    public static Decision Reply(ThreadFacts? thread, ContributionState? parent, PostReply command, string author, Guid contributionId, DeliberationOptions limits)
    {
        if (thread is null) return Rejection.NotFound("There is no such thread.");
        if (!thread.IsOpen) return Rejection.Conflict("This thread is closed for new contributions.");
        if (command.ParentId is not null && (parent is null || parent.ThreadId != thread.Id))
            return Rejection.Invalid("parentId", "The contribution you reply to is not in this thread.");

        var errors = new Dictionary<string, string[]>();
        var structure = ContributionStructure.Normalize(command.Structure);
        CheckBody(command.Markdown, structure, command.Attachments, limits, errors);
        if (errors.Count > 0) return Rejection.Invalid(errors);
        return Decision.Accept(new ContributionPosted(contributionId, thread.Id, command.ParentId, author, command.Markdown!, structure, command.Attachments));
    }

    public static Decision Edit(ContributionState contribution, EditContribution command, string editor, DeliberationOptions limits)
    {
        if (!string.Equals(contribution.Author, editor, StringComparison.OrdinalIgnoreCase))
            return Rejection.Forbidden("Only the author may edit a contribution.");
        if (contribution.Retracted) return Rejection.Conflict("A retracted contribution can no longer be edited.");

        var errors = new Dictionary<string, string[]>();
        var structure = ContributionStructure.Normalize(command.Structure);
        CheckBody(command.Markdown, structure, command.Attachments, limits, errors);
        if (errors.Count > 0) return Rejection.Invalid(errors);
        // Attachments compared with the current ones: a form that keeps its files and changes nothing else is no new version.
        if (command.Markdown == contribution.Markdown && structure == contribution.Structure
            && command.Attachments.Select(a => a.Sha256).SequenceEqual(contribution.Attachments.Select(a => a.Sha256)))
            return Rejection.Invalid("markdown", "The text is unchanged.");
        return Decision.Accept(new ContributionEdited(contribution.Id, contribution.ThreadId, contribution.Author, command.Markdown!, structure, command.Attachments));
    }

    public static Decision Retract(ContributionState contribution, string by)
    {
        if (!string.Equals(contribution.Author, by, StringComparison.OrdinalIgnoreCase))
            return Rejection.Forbidden("Only the author may retract a contribution.");
        if (contribution.Retracted) return Rejection.Conflict("This contribution is already retracted.");
        return Decision.Accept(new ContributionRetracted(contribution.Id, contribution.ThreadId, contribution.Author));
    }

    private static void CheckBody(
        string? markdown, ContributionStructure? structure, IReadOnlyList<AttachmentRef> attachments, DeliberationOptions limits, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(markdown)) errors["markdown"] = ["Write something: the text is empty."];
        else if (markdown.Length > limits.MaxBodyLength)
            errors["markdown"] = [$"The text has {markdown.Length:N0} characters; the limit is {limits.MaxBodyLength:N0}."];
        if (structure is not null)
        {
            foreach (var (field, value) in new[] { ("why", structure.Why), ("toWhom", structure.ToWhom), ("source", structure.Source), ("analysis", structure.Analysis) })
            {
                if (value is not null && value.Length > limits.MaxStructureFieldLength)
                    errors["structure." + field] = [$"At most {limits.MaxStructureFieldLength:N0} characters."];
            }
        }
        if (attachments.Count > limits.MaxAttachmentsPerContribution)
            errors["attachments"] = [$"At most {limits.MaxAttachmentsPerContribution} attachments per contribution."];
    }

    private static string[] NormalizeTags(IReadOnlyList<string>? tags, DeliberationOptions limits, Dictionary<string, string[]> errors)
    {
        var normalized = (tags ?? []).Select(t => t.Trim().ToLowerInvariant()).Where(t => t.Length > 0).Distinct().ToArray();
        if (normalized.Length > limits.MaxTags) errors["tags"] = [$"At most {limits.MaxTags} tags."];
        else if (normalized.Any(t => !TagPattern().IsMatch(t))) errors["tags"] = ["A tag is 1 to 32 letters, digits or '-'."];
        return normalized;
    }

    [GeneratedRegex(@"^[\p{Ll}\p{Lo}0-9-]{1,32}$")]
    private static partial Regex TagPattern();
}
