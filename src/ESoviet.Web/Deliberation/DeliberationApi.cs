using ESoviet.EventStore;
using ESoviet.Web.Deliberation.Text;
using ESoviet.Web.Accounts;
using ESoviet.Web.Infrastructure;
using ESoviet.Web.Membership;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ESoviet.Web.Deliberation;

/// <summary>Body of <c>POST /api/orgs/{slug}/threads</c>. <c>attachments</c> are SHA-256 hashes returned by the upload endpoint.</summary>
public sealed record StartThreadRequest(
    string? Title, string[]? Tags, bool RequiresStructure, string? Markdown, ContributionStructure? Structure, string[]? Attachments);

/// <summary>Body of <c>POST /api/orgs/{slug}/threads/{threadId}/contributions</c>; <c>parentId</c> null replies to the thread.</summary>
public sealed record ReplyRequest(Guid? ParentId, string? Markdown, ContributionStructure? Structure, string[]? Attachments);

/// <summary>Body of <c>PUT /api/orgs/{slug}/contributions/{id}</c>: the complete new version.</summary>
public sealed record EditRequest(string? Markdown, ContributionStructure? Structure, string[]? Attachments);

/// <summary>Body of <c>POST /api/orgs/{slug}/preview</c>.</summary>
public sealed record PreviewRequest(string? Markdown);

public sealed record PreviewResponse(string Html, IReadOnlyList<PrivacyWarningView> Warnings);

public sealed record PrivacyWarningView(string Kind, string Excerpt, string Message);

public sealed record ThreadResponse(ThreadDetail Thread, IReadOnlyList<ContributionView> Contributions);

public sealed record ContributionVersion(int Version, string Markdown, ContributionStructure? Structure, IReadOnlyList<AttachmentRef> Attachments, DateTimeOffset At);

public sealed record HistoryResponse(Guid ContributionId, Guid ThreadId, string Author, bool Retracted, IReadOnlyList<ContributionVersion> Versions);

public sealed record SearchResponse(string Query, IReadOnlyList<SearchHit> Hits);

/// <summary>
/// Threads, contributions, evidence and search under <c>/api/orgs/{slug}</c>, open to candidates and members of the
/// organization (404 to anyone else). Refusals are problem documents; field errors are validation problems.
/// </summary>
public static class DeliberationApi
{
    public static RouteGroupBuilder MapDeliberationApi(this RouteGroupBuilder api)
    {
        var org = api.MapOrganizationGroup().WithTags("Deliberation");

        // GET threads?tag=&page= — newest activity first, 25 a page; "unread" counts are the caller's own.
        org.MapGet("/threads", ListThreads).WithName("ListThreads");
        // POST threads — 201 StartedThread; 400 field errors (title, tags, markdown, structure, attachments).
        org.MapPost("/threads", StartThread).WithName("StartThread").RequireRateLimiting(AccountsSetup.PostingRateLimit).ProducesValidationProblem();
        // GET threads/{threadId} — the thread and its contributions in reading order; marks it read for the caller.
        org.MapGet("/threads/{threadId:guid}", GetThread).WithName("GetThread").ProducesProblem(StatusCodes.Status404NotFound);
        // POST threads/{threadId}/contributions — 201 Posted; 400; 404 unknown thread; 409 thread closed.
        org.MapPost("/threads/{threadId:guid}/contributions", Reply).WithName("PostContribution").RequireRateLimiting(AccountsSetup.PostingRateLimit)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        // GET contributions/{id} — one contribution (its permanent address).
        org.MapGet("/contributions/{id:guid}", GetContribution).WithName("GetContribution").ProducesProblem(StatusCodes.Status404NotFound);
        // PUT contributions/{id} — the author's new version; If-Match: "<version>" guards against lost updates (409).
        org.MapPut("/contributions/{id:guid}", Edit).WithName("EditContribution").RequireRateLimiting(AccountsSetup.PostingRateLimit)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
        // POST contributions/{id}/retract — the author hides the text; the history stays for members.
        org.MapPost("/contributions/{id:guid}/retract", Retract).WithName("RetractContribution").RequireRateLimiting(AccountsSetup.PostingRateLimit)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
        // GET contributions/{id}/history — every version, oldest first.
        org.MapGet("/contributions/{id:guid}/history", History).WithName("ContributionHistory").ProducesProblem(StatusCodes.Status404NotFound);
        // POST preview — rendered HTML and privacy warnings for a draft; writes nothing.
        org.MapPost("/preview", Preview).WithName("PreviewContribution");
        // POST attachments (multipart/form-data, field "file") — 201 AttachmentRef; 400 empty; 413 too large; 415 refused type.
        org.MapPost("/attachments", Upload).WithName("UploadAttachment").RequireRateLimiting(AccountsSetup.PostingRateLimit)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        // GET attachments/{sha256} — the file: raster images inline, everything else as a download.
        org.MapGet("/attachments/{sha256:regex(^[0-9a-fA-F]{{64}}$)}", Download).WithName("DownloadAttachment");
        // GET search?q= — ranked hits with highlighted snippets (HTML with <mark>), within this organization only.
        org.MapGet("/search", Search).WithName("Search");
        // GET mentions — where the caller was mentioned (private to them).
        org.MapGet("/mentions", Mentions).WithName("ListMentions");
        return api;
    }

    private static async Task<Ok<ThreadPage>> ListThreads(HttpContext http, ThreadQueries queries, string? tag, int? page, CancellationToken ct) =>
        TypedResults.Ok(await queries.ListAsync(http.Org().OrganizationId, http.User.AccountIdOf(), tag, page ?? 1, ct));

    private static async Task<IResult> StartThread(HttpContext http, DeliberationCommands commands, StartThreadRequest body, CancellationToken ct)
    {
        var org = http.Org();
        var outcome = await commands.StartThreadAsync(org,
            new StartThreadInput(body.Title, body.Tags, body.RequiresStructure, body.Markdown, body.Structure, body.Attachments), ct);
        return outcome.IsRejected
            ? outcome.Rejection!.ToResult()
            : TypedResults.Created($"/api/orgs/{org.Slug}/threads/{outcome.Value!.ThreadId}", outcome.Value);
    }

    private static async Task<Results<Ok<ThreadResponse>, NotFound>> GetThread(HttpContext http, ThreadQueries queries, Guid threadId, CancellationToken ct)
    {
        var org = http.Org();
        var thread = await queries.FindThreadAsync(org.OrganizationId, threadId, ct);
        if (thread is null) return TypedResults.NotFound();
        var contributions = await queries.ContributionsAsync(org.OrganizationId, threadId, ct);
        if (http.User.AccountIdOf() is { } reader) await queries.MarkReadAsync(reader, threadId, contributions.Count, ct);
        return TypedResults.Ok(new ThreadResponse(thread, contributions));
    }

    private static async Task<IResult> Reply(HttpContext http, DeliberationCommands commands, Guid threadId, ReplyRequest body, CancellationToken ct)
    {
        var org = http.Org();
        var outcome = await commands.ReplyAsync(org, threadId, body.ParentId, new ContributionInput(body.Markdown, body.Structure, body.Attachments), ct);
        return outcome.IsRejected
            ? outcome.Rejection!.ToResult()
            : TypedResults.Created($"/api/orgs/{org.Slug}/contributions/{outcome.Value!.ContributionId}", outcome.Value);
    }

    private static async Task<IResult> GetContribution(HttpContext http, ThreadQueries queries, Guid id, CancellationToken ct)
    {
        var contribution = await queries.FindContributionAsync(http.Org().OrganizationId, id, ct);
        if (contribution is null) return TypedResults.NotFound();
        http.Response.Headers.ETag = $"\"{contribution.Version}\"";
        return TypedResults.Ok(contribution);
    }

    private static async Task<IResult> Edit(HttpContext http, DeliberationCommands commands, Guid id, EditRequest body, CancellationToken ct)
    {
        long? expected = null;
        var ifMatch = http.Request.Headers.IfMatch.ToString().Trim('"', ' ', 'W', '/');
        if (ifMatch.Length > 0)
        {
            if (!long.TryParse(ifMatch, out var parsed)) return Rejection.Invalid("If-Match", "If-Match must be the contribution's version, e.g. \"2\".").ToResult();
            expected = parsed;
        }
        var outcome = await commands.EditAsync(http.Org(), id, new ContributionInput(body.Markdown, body.Structure, body.Attachments), expected, ct);
        return outcome.IsRejected ? outcome.Rejection!.ToResult() : TypedResults.Ok(outcome.Value);
    }

    private static async Task<IResult> Retract(HttpContext http, DeliberationCommands commands, Guid id, CancellationToken ct)
    {
        var outcome = await commands.RetractAsync(http.Org(), id, ct);
        return outcome.IsRejected ? outcome.Rejection!.ToResult() : TypedResults.Ok(outcome.Value);
    }

    /// <summary>Every version from the contribution's own stream. A retracted contribution's history is for full members only.</summary>
    private static async Task<IResult> History(HttpContext http, ThreadQueries queries, EventStore.EventStore store, Guid id, CancellationToken ct)
    {
        var org = http.Org();
        var view = await queries.FindContributionAsync(org.OrganizationId, id, ct);
        if (view is null || (view.Retracted && !org.IsMember)) return TypedResults.NotFound();
        return TypedResults.Ok(await LoadHistoryAsync(store, view, ct));
    }

    public static async Task<HistoryResponse> LoadHistoryAsync(EventStore.EventStore store, ContributionView view, CancellationToken ct)
    {
        var events = await store.FetchStreamAsync(DeliberationStreams.Contribution(view.Id), 0, ct);
        var versions = new List<ContributionVersion>();
        foreach (var e in events)
        {
            if (e.Data is ContributionPosted p) versions.Add(new ContributionVersion(1, p.Markdown, p.Structure, p.Attachments, e.Timestamp));
            else if (e.Data is ContributionEdited edit) versions.Add(new ContributionVersion(versions.Count + 1, edit.Markdown, edit.Structure, edit.Attachments, e.Timestamp));
        }
        return new HistoryResponse(view.Id, view.ThreadId, view.Author, view.Retracted, versions);
    }

    private static IResult Preview(HttpContext http, PreviewRequest body, IOptions<DeliberationOptions> options)
    {
        var markdown = body.Markdown ?? "";
        // Refused like the post it previews would be, rather than rendered in part: rendering is the costly step.
        if (markdown.Length > options.Value.MaxBodyLength)
            return Rejection.Invalid("markdown", $"A contribution may have at most {options.Value.MaxBodyLength:N0} characters.").ToResult();
        var html = MarkdownRenderer.Render(markdown).Html;
        var warnings = PrivacyLint.Check(markdown).Select(w => new PrivacyWarningView(w.Kind.ToString(), w.Excerpt, w.Message)).ToList();
        return TypedResults.Ok(new PreviewResponse(html, warnings));
    }

    private static async Task<IResult> Upload(HttpContext http, AttachmentStore attachments, IOptions<DeliberationOptions> options, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType) return Rejection.Invalid("file", "Send the file as multipart/form-data in a field named \"file\".").ToResult();
        var limit = options.Value.MaxAttachmentBytes;
        // Stop reading well before Kestrel's general limit: the form's framing adds a little to the file itself.
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = limit + 64 * 1024;
        IFormFile? file;
        try
        {
            var form = await http.Request.ReadFormAsync(ct);
            file = form.Files.GetFile("file");
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return new Rejection(StatusCodes.Status413PayloadTooLarge, $"Files may have at most {limit / (1024 * 1024)} MiB.").ToResult();
        }
        if (file is null) return Rejection.Invalid("file", "Send the file in a field named \"file\".").ToResult();
        if (file.Length > limit) return new Rejection(StatusCodes.Status413PayloadTooLarge, $"Files may have at most {limit / (1024 * 1024)} MiB.").ToResult();
        var content = new byte[file.Length];
        await using (var stream = file.OpenReadStream()) await stream.ReadExactlyAsync(content, ct);
        var org = http.Org();
        var outcome = await attachments.UploadAsync(org.OrganizationId, org.Handle, file.FileName, file.ContentType, content, limit, ct);
        return outcome.IsRejected
            ? outcome.Rejection!.ToResult()
            : TypedResults.Created($"/api/orgs/{org.Slug}/attachments/{outcome.Value!.Sha256}", outcome.Value);
    }

    private static async Task<IResult> Download(HttpContext http, AttachmentStore attachments, string sha256, CancellationToken ct)
    {
        var file = await attachments.ReadAsync(http.Org().OrganizationId, sha256, ct);
        if (file is null) return TypedResults.NotFound();
        // Members' evidence must not linger in shared caches; nosniff is set for every response already.
        http.Response.Headers.CacheControl = "private, max-age=86400, immutable";
        http.Response.Headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";
        return file.Inline
            ? TypedResults.File(file.Content, file.ContentType)
            : TypedResults.File(file.Content, file.ContentType, file.FileName);
    }

    private static async Task<IResult> Search(HttpContext http, ThreadQueries queries, string? q, CancellationToken ct)
    {
        var query = (q ?? "").Trim();
        if (query.Length == 0) return Rejection.Invalid("q", "Type what to search for.").ToResult();
        if (query.Length > 200) return Rejection.Invalid("q", "A search may have at most 200 characters.").ToResult();
        return TypedResults.Ok(new SearchResponse(query, await queries.SearchAsync(http.Org().OrganizationId, query, 50, ct)));
    }

    private static async Task<Ok<IReadOnlyList<MentionView>>> Mentions(HttpContext http, ThreadQueries queries, CancellationToken ct)
    {
        var org = http.Org();
        return TypedResults.Ok(await queries.MentionsAsync(org.OrganizationId, Handles.Key(org.Handle), ct));
    }
}

public static class DeliberationSetup
{
    public static WebApplicationBuilder AddDeliberation(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DeliberationOptions>().BindConfiguration(DeliberationOptions.SectionName);
        builder.Services.AddSingleton<ThreadQueries>();
        builder.Services.AddSingleton<AttachmentStore>();
        builder.Services.AddSingleton<DeliberationCommands>();
        builder.Services.AddInlineProjection<DeliberationProjection>();
        return builder;
    }
}
