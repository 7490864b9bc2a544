using ESoviet.Web.Deliberation;
using ESoviet.Web.Deliberation.Text;
using ESoviet.Web.Infrastructure;
using ESoviet.Web.Membership;

namespace ESoviet.Web.Pages.Threads;

/// <summary>What every compose form posts: the text, the optional structured header, and files kept from an earlier submit.</summary>
public class ComposeInput
{
    public string? Markdown { get; set; }

    public string? Why { get; set; }

    public string? ToWhom { get; set; }

    public string? Source { get; set; }

    public string? Analysis { get; set; }

    /// <summary>
    /// SHA-256 of files uploaded by an earlier submit of this form (a preview, a refused post): a file input cannot be
    /// filled again by the server, so the form carries what was already uploaded and the writer unticks what to drop.
    /// </summary>
    public List<string> Attachments { get; set; } = [];

    public ContributionStructure? Structure => ContributionStructure.Normalize(new ContributionStructure(Why, ToWhom, Source, Analysis));

    public bool HasStructure => Structure is not null;
}

/// <summary>A refusal laid out for a form: messages per field (keys as the commands name them), the rest for the top.</summary>
public sealed class FormErrors
{
    private readonly Dictionary<string, List<string>> byField = new(StringComparer.OrdinalIgnoreCase);

    public List<string> General { get; } = [];

    public bool Any => General.Count > 0 || byField.Count > 0;

    public void Add(string field, string message)
    {
        if (field.Length == 0)
        {
            General.Add(message);
            return;
        }
        if (!byField.TryGetValue(field, out var list)) byField[field] = list = [];
        list.Add(message);
    }

    public void Add(Rejection rejection)
    {
        if (rejection.Errors is not { Count: > 0 } errors)
        {
            General.Add(rejection.Title);
            return;
        }
        foreach (var (field, messages) in errors)
        {
            foreach (var message in messages) Add(field, message);
        }
    }

    public IReadOnlyList<string> For(string field) => byField.TryGetValue(field, out var list) ? list : [];

    public bool Has(string field) => byField.ContainsKey(field);

    /// <summary>Messages for fields the form has no place for (a stale parent id, say): shown with the general ones.</summary>
    public IEnumerable<string> Unplaced(IReadOnlyCollection<string> placed) =>
        General.Concat(byField.Where(f => !placed.Contains(f.Key, StringComparer.OrdinalIgnoreCase)).SelectMany(f => f.Value));
}

/// <summary>One privacy warning, with the field it was found in ("" for the text itself).</summary>
public sealed record LintNote(string Field, PrivacyWarningKind Kind, string Excerpt)
{
    public string Text => Kind switch
    {
        PrivacyWarningKind.PhoneNumber => $"“{Excerpt}” looks like a phone number.",
        PrivacyWarningKind.EmailAddress => $"“{Excerpt}” looks like an e-mail address.",
        _ => $"“{Excerpt}” looks like a postal address.",
    };
}

/// <summary>The server-side preview: the body as it will be shown, and what the privacy lint noticed.</summary>
public sealed record ComposePreview(string Html);

/// <summary>Everything <c>_Compose.cshtml</c> needs to draw the shared part of the new-thread, reply and edit forms.</summary>
public sealed class ComposeForm
{
    /// <summary>The structured fields, as the commands name them in field errors, with their labels and hints.</summary>
    public static readonly IReadOnlyList<(string Key, string Name, string Label, string Hint)> StructureFields =
    [
        ("structure.why", "Why", "Why", "Why you are writing: the question, problem or proposal."),
        ("structure.toWhom", "ToWhom", "To whom", "Whom it concerns or who should act on it."),
        ("structure.source", "Source", "Source", "Where the facts come from: a document, a meeting, your own observation."),
        ("structure.analysis", "Analysis", "Analysis", "Your own assessment, kept apart from the facts."),
    ];

    /// <summary>Field keys this form shows beside an input; errors for any other key go to the top.</summary>
    public static readonly string[] PlacedFields =
        ["markdown", "structure", "structure.why", "structure.toWhom", "structure.source", "structure.analysis", "attachments"];

    public required string Slug { get; init; }

    public required ComposeInput Input { get; init; }

    public required FormErrors Errors { get; init; }

    /// <summary>The page's id prefix, so two compose forms could share a page.</summary>
    public string Id { get; init; } = "compose";

    public string BodyLabel { get; init; } = "Your text";

    public string SubmitLabel { get; init; } = "Post";

    /// <summary>Where the Preview button posts the form (the page's Preview handler): the preview works without script.</summary>
    public required string PreviewAction { get; init; }

    /// <summary>Files uploaded earlier and still attached.</summary>
    public IReadOnlyList<AttachmentRef> Kept { get; init; } = [];

    public ComposePreview? Preview { get; init; }

    public IReadOnlyList<LintNote> Warnings { get; init; } = [];

    /// <summary>Show the structured fields open (a new thread) rather than folded away (a reply).</summary>
    public bool StructureOpen { get; init; }

    /// <summary>Said first in the structured header's hint, e.g. when the fields are optional.</summary>
    public string? StructureNote { get; init; }

    /// <summary>The text area's height: an opening post is usually longer than a reply.</summary>
    public int Rows { get; init; } = 8;

    /// <summary>The configured limits the form states and enforces in the browser.</summary>
    public required DeliberationOptions Limits { get; init; }

    public int MaxBodyLength => Limits.MaxBodyLength;

    public int MaxStructureFieldLength => Limits.MaxStructureFieldLength;

    public long MaxAttachmentBytes => Limits.MaxAttachmentBytes;

    public int MaxAttachments => Limits.MaxAttachmentsPerContribution;

    public string FieldId(string name) => $"{Id}-{name.ToLowerInvariant()}";

    public string? Invalid(string key) => Errors.Has(key) ? "true" : null;

    /// <summary>The hint and, when there is one, the error message of a field, for <c>aria-describedby</c>.</summary>
    public string DescribedBy(string name, string key, bool hint = true) =>
        string.Join(' ', new[] { hint ? FieldId(name) + "-hint" : null, Errors.Has(key) ? FieldId(name) + "-error" : null }.OfType<string>());
}

/// <summary>The work the compose pages share: uploading chosen files, resolving kept ones, linting and previewing.</summary>
public static class Composing
{
    /// <summary>
    /// Stores each chosen file through <see cref="AttachmentStore"/> and adds its hash to <paramref name="input"/>.
    /// A refused file is reported under "attachments" by name; the others are kept, so only that one needs choosing again.
    /// </summary>
    public static async Task UploadAsync(
        AttachmentStore store, OrgMember org, IEnumerable<IFormFile>? files, ComposeInput input, long limit, FormErrors errors, CancellationToken ct)
    {
        foreach (var file in files ?? [])
        {
            if (file.Length == 0 && string.IsNullOrEmpty(file.FileName)) continue;
            if (file.Length > limit)
            {
                errors.Add("attachments", $"{file.FileName}: files may have at most {limit / (1024 * 1024)} MB.");
                continue;
            }
            var content = new byte[file.Length];
            await using (var stream = file.OpenReadStream()) await stream.ReadExactlyAsync(content, ct);
            var outcome = await store.UploadAsync(org.OrganizationId, org.Handle, file.FileName, file.ContentType, content, limit, ct);
            if (outcome.Rejection is { } rejection)
            {
                var reason = rejection.Errors?.Values.SelectMany(m => m).FirstOrDefault() ?? rejection.Title;
                errors.Add("attachments", $"{file.FileName}: {reason}");
                continue;
            }
            if (!input.Attachments.Contains(outcome.Value!.Sha256, StringComparer.OrdinalIgnoreCase)) input.Attachments.Add(outcome.Value.Sha256);
        }
    }

    /// <summary>The kept files by name and size, to list them on the form again.</summary>
    public static async Task<IReadOnlyList<AttachmentRef>> KeptAsync(AttachmentStore store, OrgMember org, ComposeInput input, FormErrors errors, CancellationToken ct)
    {
        input.Attachments = input.Attachments.Where(h => !string.IsNullOrWhiteSpace(h)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var (files, rejection) = await store.ResolveAsync(org.OrganizationId, input.Attachments, ct);
        if (rejection is null) return files;
        errors.Add(rejection);
        input.Attachments.Clear();
        return [];
    }

    /// <summary>Privacy warnings for the text and each structured field: they inform, never block.</summary>
    public static IReadOnlyList<LintNote> Lint(ComposeInput input)
    {
        var notes = new List<LintNote>();
        void Check(string field, string? text) => notes.AddRange(PrivacyLint.Check(text).Select(w => new LintNote(field, w.Kind, w.Excerpt)));
        Check("", input.Markdown);
        Check("Why", input.Why);
        Check("To whom", input.ToWhom);
        Check("Source", input.Source);
        Check("Analysis", input.Analysis);
        return notes;
    }

    public static ComposePreview Preview(ComposeInput input, int maxLength)
    {
        var markdown = input.Markdown ?? "";
        if (markdown.Length > maxLength) markdown = markdown[..maxLength];
        return new ComposePreview(MarkdownRenderer.Render(markdown).Html);
    }
}

/// <summary>A field's error messages and the id its input points at with <c>aria-describedby</c>.</summary>
public sealed record FieldError(string Id, IReadOnlyList<string> Messages);

/// <summary>The file input of a compose form, with its label ("Attach files", or "Add more files" beside kept ones).</summary>
public sealed record ComposeFiles(ComposeForm Form, string Label, long MaxMegabytes);
