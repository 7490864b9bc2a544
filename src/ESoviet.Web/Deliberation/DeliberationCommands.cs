using ESoviet.EventStore;
using ESoviet.Web.Infrastructure;
using ESoviet.Web.Membership;
using Microsoft.Extensions.Options;

namespace ESoviet.Web.Deliberation;

public sealed record StartThreadInput(
    string? Title, IReadOnlyList<string>? Tags, bool RequiresStructure, string? Markdown, ContributionStructure? Structure, IReadOnlyList<string>? Attachments);

public sealed record ContributionInput(string? Markdown, ContributionStructure? Structure, IReadOnlyList<string>? Attachments);

public sealed record StartedThread(Guid ThreadId, Guid OpeningId);

public sealed record Posted(Guid ContributionId, Guid ThreadId);

/// <summary>
/// Runs deliberation commands: gathers the facts, lets the pure decisions in <see cref="DeliberationDecisions"/>
/// rule, and appends what they decided. Every event carries the organization as tenant and the handle as actor.
/// </summary>
public sealed class DeliberationCommands(
    EventStore.EventStore store, ThreadQueries queries, AttachmentStore attachments, IOptions<DeliberationOptions> options, TimeProvider time)
{
    private DeliberationOptions Limits => options.Value;

    public async Task<Outcome<StartedThread>> StartThreadAsync(OrgMember author, StartThreadInput input, CancellationToken ct)
    {
        var (files, missing) = await attachments.ResolveAsync(author.OrganizationId, input.Attachments, ct);
        if (missing is not null) return missing;
        var threadId = Guid.CreateVersion7(time.GetUtcNow());
        var openingId = Guid.CreateVersion7(time.GetUtcNow());
        var decision = DeliberationDecisions.StartThread(
            new StartThread(input.Title, input.Tags, input.RequiresStructure, input.Markdown, input.Structure, files), author.Handle, threadId, openingId, Limits);
        if (decision.IsRejected) return decision.Rejection!;

        await using var session = store.OpenSession(Metadata(author));
        session.StartStream(DeliberationStreams.Thread(threadId), "thread", decision.Events.OfType<ThreadStarted>().ToArray());
        session.StartStream(DeliberationStreams.Contribution(openingId), "contribution", decision.Events.OfType<ContributionPosted>().ToArray());
        await session.SaveChangesAsync(ct);
        return new StartedThread(threadId, openingId);
    }

    public async Task<Outcome<Posted>> ReplyAsync(OrgMember author, Guid threadId, Guid? parentId, ContributionInput input, CancellationToken ct)
    {
        var thread = await queries.FindThreadAsync(author.OrganizationId, threadId, ct);
        ContributionState? parent = null;
        if (parentId is not null)
            parent = (await store.AggregateStreamAsync<ContributionState>(DeliberationStreams.Contribution(parentId.Value), ct))?.State;
        var (files, missing) = await attachments.ResolveAsync(author.OrganizationId, input.Attachments, ct);
        if (missing is not null) return missing;

        var id = Guid.CreateVersion7(time.GetUtcNow());
        var decision = DeliberationDecisions.Reply(
            thread is null ? null : new ThreadFacts(thread.Id, thread.State == "open"), parent,
            new PostReply(parentId, input.Markdown, input.Structure, files), author.Handle, id, Limits);
        if (decision.IsRejected) return decision.Rejection!;

        await using var session = store.OpenSession(Metadata(author));
        session.StartStream(DeliberationStreams.Contribution(id), "contribution", [.. decision.Events]);
        await session.SaveChangesAsync(ct);
        return new Posted(id, threadId);
    }

    /// <param name="expectedVersion">The version the editor saw (from the <c>If-Match</c> header); null to take the latest.</param>
    public async Task<Outcome<Posted>> EditAsync(OrgMember editor, Guid contributionId, ContributionInput input, long? expectedVersion, CancellationToken ct)
    {
        var current = await LoadAsync(editor, contributionId, ct);
        if (current is null) return Rejection.NotFound("There is no such contribution.");
        var (files, missing) = await attachments.ResolveAsync(editor.OrganizationId, input.Attachments, ct);
        if (missing is not null) return missing;

        var decision = DeliberationDecisions.Edit(current.State, new EditContribution(input.Markdown, input.Structure, files), editor.Handle, Limits);
        if (decision.IsRejected) return decision.Rejection!;
        return await AppendAsync(editor, current, expectedVersion, decision, ct);
    }

    public async Task<Outcome<Posted>> RetractAsync(OrgMember author, Guid contributionId, CancellationToken ct)
    {
        var current = await LoadAsync(author, contributionId, ct);
        if (current is null) return Rejection.NotFound("There is no such contribution.");
        var decision = DeliberationDecisions.Retract(current.State, author.Handle);
        if (decision.IsRejected) return decision.Rejection!;
        return await AppendAsync(author, current, null, decision, ct);
    }

    /// <summary>The contribution's own stream, only when it belongs to the caller's organization.</summary>
    private async Task<StreamState<ContributionState>?> LoadAsync(OrgMember who, Guid contributionId, CancellationToken ct)
    {
        var view = await queries.FindContributionAsync(who.OrganizationId, contributionId, ct);
        return view is null ? null : await store.AggregateStreamAsync<ContributionState>(DeliberationStreams.Contribution(contributionId), ct);
    }

    private async Task<Outcome<Posted>> AppendAsync(OrgMember who, StreamState<ContributionState> current, long? expectedVersion, Decision decision, CancellationToken ct)
    {
        if (expectedVersion is not null && expectedVersion != current.Version)
            return Rejection.Conflict("The contribution changed since you opened it. Reload to see the latest version.");
        try
        {
            await using var session = store.OpenSession(Metadata(who));
            session.Append(DeliberationStreams.Contribution(current.State.Id), current.Version, [.. decision.Events]);
            await session.SaveChangesAsync(ct);
        }
        catch (StreamConflictException)
        {
            return Rejection.Conflict("The contribution changed at the same moment. Reload to see the latest version.");
        }
        return new Posted(current.State.Id, current.State.ThreadId);
    }

    private static EventMetadata Metadata(OrgMember who) => new(who.OrganizationId.ToString(), who.Handle);
}
