using ESoviet.Web.Accounts;
using ESoviet.Web.Infrastructure;
using ESoviet.Web.Membership;

namespace ESoviet.Web.Decisions;

/// <summary>A decision as rebuilt from its stream: what the rules below need to know.</summary>
public sealed class DecisionState
{
    public Guid Id { get; private set; }
    public int Number { get; private set; }
    public string Implementer { get; private set; } = "";
    public DecisionPhase Phase { get; private set; }
    public IReadOnlyList<string> Members { get; private set; } = [];
    public IReadOnlyList<string> VotedAgainst { get; private set; } = [];
    public Dictionary<Guid, TaskState> Tasks { get; } = [];
    public HashSet<(Guid Task, string Key)> Volunteers { get; } = [];
    public HashSet<string> MinoritySigners { get; } = [];
    public string? HandoverTo { get; private set; }

    public void Apply(DecisionAdopted e) =>
        (Id, Number, Implementer, Members, VotedAgainst, Phase) = (e.DecisionId, e.Number, e.Implementer, e.Members, e.VotedAgainst, DecisionPhase.AwaitingCommitments);

    public void Apply(CommitmentsClosed _)
    {
        if (Phase == DecisionPhase.AwaitingCommitments) Phase = DecisionPhase.InImplementation;
    }

    public void Apply(DecisionRepealed _) => Phase = DecisionPhase.Abandoned;
    public void Apply(TaskPlanned e) => Tasks[e.TaskId] = TaskState.Planned;
    public void Apply(TaskStateChanged e) => Tasks[e.TaskId] = e.State;
    public void Apply(TaskVolunteered e) => Volunteers.Add((e.TaskId, Handles.Key(e.Member)));
    public void Apply(MinorityReportSigned e) => MinoritySigners.Add(Handles.Key(e.Member));
    public void Apply(HandoverOffered e) => HandoverTo = e.To;
    public void Apply(HandoverAccepted e) => (Implementer, HandoverTo) = (e.To, null);
    public void Apply(ImplementationCompleted _) => Phase = DecisionPhase.InReview;
    public void Apply(DecisionClosed _) => Phase = DecisionPhase.Done;

    public bool IsImplementer(string handle) => Handles.Key(Implementer) == Handles.Key(handle);

    /// <summary>Still being carried out: tasks, reports and handovers belong here.</summary>
    public bool IsUnderway => Phase is DecisionPhase.AwaitingCommitments or DecisionPhase.InImplementation;
}

/// <summary>What a commitment needs to know, read under a share lock of the decision row.</summary>
public sealed record CommitmentFacts(Guid DecisionId, bool WindowOpen, DateTimeOffset DueAt, bool IsBound, bool Answered);

/// <summary>
/// The rules of binding decisions as pure functions. The implementer plans, reports and finishes; every member bound
/// by the decision answers once; those who voted against may sign a minority report; the review is open to all members.
/// </summary>
public static class DecisionRules
{
    public const int MaxTitleLength = 200;
    public const int MaxTextLength = 10_000;
    public const int MaxReasonLength = 2_000;

    /// <summary>Shown to a member who refuses: plain, not a threat, and true.</summary>
    public const string RefusalNotice =
        "Your refusal is recorded as a breach. The organization decides together and then acts together: it expects a member who cannot abide by its decisions to leave.";

    public static Decision Commit(CommitmentFacts? facts, OrgMember by, bool? abide, string? dissent, string? reason, DateTimeOffset now)
    {
        if (facts is null) return Rejection.NotFound("There is no such decision.");
        if (!by.IsMember) return Rejection.Forbidden("Only members bound by the decision answer it.");
        if (!facts.IsBound) return Rejection.Forbidden("You were not a member when this decision was adopted, so it asks no commitment of you.");
        if (facts.Answered) return Rejection.Conflict("You have already answered; your answer stays in the record.");
        if (!facts.WindowOpen || now >= facts.DueAt) return Rejection.Conflict("The time to commit to this decision is over.");
        if (abide is null) return Rejection.Invalid("abide", "Say whether you will abide by the decision.");
        dissent = Clean(dissent);
        reason = Clean(reason);
        var errors = new Dictionary<string, string[]>();
        if (dissent is { Length: > MaxReasonLength }) errors["dissent"] = [$"At most {MaxReasonLength:N0} characters."];
        if (reason is { Length: > MaxReasonLength }) errors["reason"] = [$"At most {MaxReasonLength:N0} characters."];
        if (abide == false && reason is null) errors["reason"] = ["Say why you refuse: the membership reads it."];
        if (abide == true && reason is not null) errors["reason"] = ["A reason goes with a refusal; to disagree while abiding, record a dissent."];
        if (abide == false && dissent is not null) errors["dissent"] = ["A dissent goes with a commitment; with a refusal, give your reason."];
        if (errors.Count > 0) return Rejection.Invalid(errors);
        return Decision.Accept(new CommitmentRecorded(facts.DecisionId, by.Handle, abide.Value, dissent, reason));
    }

    public static Decision SignMinorityReport(DecisionState d, OrgMember by, string? text)
    {
        if (!d.VotedAgainst.Any(h => Handles.Key(h) == Handles.Key(by.Handle)))
            return Rejection.Forbidden("Only members who voted against the decision sign its minority report.");
        if (d.MinoritySigners.Contains(Handles.Key(by.Handle))) return Rejection.Conflict("You have already signed the minority report.");
        text = Clean(text);
        if (d.MinoritySigners.Count == 0 && text is null) return Rejection.Invalid("text", "The first signer writes the report.");
        if (d.MinoritySigners.Count > 0) text = null;
        if (text is { Length: > MaxTextLength }) return Rejection.Invalid("text", $"At most {MaxTextLength:N0} characters.");
        return Decision.Accept(new MinorityReportSigned(d.Id, by.Handle, text));
    }

    public static Decision PlanTask(DecisionState d, string by, string? title, DateOnly? dueOn, Guid taskId)
    {
        if (ImplementerOnly(d, by, "plans its tasks") is { } refused) return refused;
        title = Clean(title);
        var errors = new Dictionary<string, string[]>();
        if (title is null) errors["title"] = ["Name the task."];
        else if (title.Length > MaxTitleLength) errors["title"] = [$"At most {MaxTitleLength} characters."];
        if (dueOn is null) errors["dueOn"] = ["Give the task a due date."];
        if (errors.Count > 0) return Rejection.Invalid(errors);
        return Decision.Accept(new TaskPlanned(d.Id, taskId, title!, dueOn!.Value));
    }

    public static Decision ChangeTask(DecisionState d, string by, Guid taskId, TaskState? state, string? reason)
    {
        if (ImplementerOnly(d, by, "moves its tasks on") is { } refused) return refused;
        if (!d.Tasks.TryGetValue(taskId, out var current)) return Rejection.NotFound("There is no such task.");
        if (state is null) return Rejection.Invalid("state", "Choose planned, in progress, blocked, done or dropped.");
        if (current is TaskState.Done or TaskState.Dropped) return Rejection.Conflict("The task is finished; plan a new one instead.");
        if (state == current) return Rejection.Conflict("The task is already in that state.");
        reason = Clean(reason);
        if (state == TaskState.Dropped && reason is null) return Rejection.Invalid("reason", "Say why the task is dropped.");
        if (reason is { Length: > MaxReasonLength }) return Rejection.Invalid("reason", $"At most {MaxReasonLength:N0} characters.");
        return Decision.Accept(new TaskStateChanged(d.Id, taskId, state.Value, reason));
    }

    public static Decision Volunteer(DecisionState d, OrgMember by, Guid taskId)
    {
        if (!by.IsMember) return Rejection.Forbidden("Candidates can help once they are admitted.");
        if (!d.IsUnderway) return Rejection.Conflict("The decision is no longer being implemented.");
        if (!d.Tasks.TryGetValue(taskId, out var state)) return Rejection.NotFound("There is no such task.");
        if (state is TaskState.Done or TaskState.Dropped) return Rejection.Conflict("The task is finished.");
        if (d.IsImplementer(by.Handle)) return Rejection.Conflict("You implement the decision: every task is already yours.");
        if (d.Volunteers.Contains((taskId, Handles.Key(by.Handle)))) return Rejection.Conflict("You have already volunteered for this task.");
        return Decision.Accept(new TaskVolunteered(d.Id, taskId, by.Handle));
    }

    public static Decision Report(DecisionState d, string by, int? percent, string? happened, string? blocked, Guid reportId)
    {
        if (ImplementerOnly(d, by, "reports its progress") is { } refused) return refused;
        happened = Clean(happened);
        blocked = Clean(blocked);
        var errors = new Dictionary<string, string[]>();
        if (percent is not (>= 0 and <= 100)) errors["percent"] = ["Give the share done, 0 to 100."];
        if (happened is null) errors["happened"] = ["Say what happened since the last report."];
        else if (happened.Length > MaxTextLength) errors["happened"] = [$"At most {MaxTextLength:N0} characters."];
        if (blocked is { Length: > MaxTextLength }) errors["blocked"] = [$"At most {MaxTextLength:N0} characters."];
        if (errors.Count > 0) return Rejection.Invalid(errors);
        return Decision.Accept(new ProgressReported(d.Id, reportId, percent!.Value, happened!, blocked));
    }

    /// <summary>The implementer names a current member to take over; <paramref name="member"/> is the named person's handle if they are a current member.</summary>
    public static Decision OfferHandover(DecisionState d, string by, string? to, string? member)
    {
        if (ImplementerOnly(d, by, "hands it over") is { } refused) return refused;
        if (string.IsNullOrWhiteSpace(to)) return Rejection.Invalid("to", "Name the member who would take over.");
        if (member is null) return Rejection.Invalid("to", "Hand over to a current member.");
        if (Handles.Key(member) == Handles.Key(by)) return Rejection.Invalid("to", "You implement it already.");
        return Decision.Accept(new HandoverOffered(d.Id, d.Implementer, member));
    }

    /// <summary>The named member consents, unless they are at the charter's limit themselves.</summary>
    public static Decision AcceptHandover(DecisionState d, string by, int implementing, Charter charter)
    {
        if (!d.IsUnderway) return Rejection.Conflict("The decision is no longer being implemented.");
        if (d.HandoverTo is null || Handles.Key(d.HandoverTo) != Handles.Key(by)) return Rejection.Forbidden("No handover is offered to you.");
        if (implementing >= charter.MaxConcurrentImplementations)
            return Rejection.Conflict($"You already implement {implementing} decisions, the charter's limit of {charter.MaxConcurrentImplementations}.");
        return Decision.Accept(new HandoverAccepted(d.Id, d.Implementer, d.HandoverTo));
    }

    public static Decision Complete(DecisionState d, string by, SelfCriticism? self, Charter charter, DateTimeOffset now)
    {
        if (ImplementerOnly(d, by, "marks it done") is { } refused) return refused;
        if (d.Tasks.Values.Any(t => t is not (TaskState.Done or TaskState.Dropped)))
            return Rejection.Conflict("Finish or drop every task before marking the decision done.");
        var errors = new Dictionary<string, string[]>();
        void Check(string field, string? value, string missing)
        {
            if (string.IsNullOrWhiteSpace(value)) errors[field] = [missing];
            else if (value.Length > MaxTextLength) errors[field] = [$"At most {MaxTextLength:N0} characters."];
        }
        Check("worked", self?.Worked, "Say what worked.");
        Check("didNotWork", self?.DidNotWork, "Say what did not work.");
        Check("differently", self?.Differently, "Say what you would do differently.");
        if (errors.Count > 0) return Rejection.Invalid(errors);
        return Decision.Accept(new ImplementationCompleted(d.Id, new SelfCriticism(self!.Worked.Trim(), self.DidNotWork.Trim(), self.Differently.Trim()),
            now.AddHours(Math.Max(1, charter.MinimumDiscussionHours))));
    }

    public static Decision Criticize(DecisionState d, OrgMember by, Criticism? criticism, Guid id)
    {
        if (!by.IsMember) return Rejection.Forbidden("Members add criticisms; candidates can once they are admitted.");
        if (d.Phase != DecisionPhase.InReview) return Rejection.Conflict("Criticisms are added while the decision is in review.");
        var point = Clean(criticism?.Point);
        var evidence = Clean(criticism?.Evidence);
        var suggestion = Clean(criticism?.Suggestion);
        var errors = new Dictionary<string, string[]>();
        if (point is null) errors["point"] = ["State your criticism."];
        foreach (var (field, value) in new[] { ("point", point), ("evidence", evidence), ("suggestion", suggestion) })
            if (value is { Length: > MaxTextLength }) errors[field] = [$"At most {MaxTextLength:N0} characters."];
        if (errors.Count > 0) return Rejection.Invalid(errors);
        return Decision.Accept(new CriticismAdded(d.Id, id, by.Handle, new Criticism(point!, evidence, suggestion)));
    }

    private static Rejection? ImplementerOnly(DecisionState d, string by, string what)
    {
        if (!d.IsImplementer(by)) return Rejection.Forbidden($"Only the implementer, {d.Implementer}, {what}.");
        if (!d.IsUnderway) return Rejection.Conflict(d.Phase switch
        {
            DecisionPhase.Abandoned => "The decision was repealed.",
            DecisionPhase.InReview => "The decision is in review.",
            _ => "The decision is done.",
        });
        return null;
    }

    private static string? Clean(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
