namespace ESoviet.Web.Voting;

/// <summary>
/// The tally a vote's response carries, shared between votes that commit close together. A recount walks the
/// proposal's whole roll-call, so one per vote would cost the database O(electorate) per vote in a burst; instead a
/// committed vote waits for the next recount that starts after its commit, and every vote committed before that
/// recount starts shares it. Each response therefore still counts its own vote (the recount began after the vote
/// committed), and a proposal never has more than one recount running and one waiting.
/// </summary>
public sealed class TallyRecounts(VotingQueries queries)
{
    private readonly Dictionary<Guid, Flights> _flights = [];

    /// <summary>A tally read after the caller's vote committed; null if the proposal has no frozen rules.</summary>
    public Task<TallyView?> AfterCommitAsync(Guid proposal, CancellationToken ct)
    {
        lock (_flights)
        {
            if (!_flights.TryGetValue(proposal, out var flights))
            {
                flights = new Flights();
                _flights[proposal] = flights;
            }
            if (flights.Running is null)
            {
                flights.Running = RunAsync(proposal, flights);
                return flights.Running.WaitAsync(ct);
            }
            // A recount is running but may have started before this vote committed: wait for the next one.
            flights.Next ??= new TaskCompletionSource<TallyView?>(TaskCreationOptions.RunContinuationsAsynchronously);
            return flights.Next.Task.WaitAsync(ct);
        }
    }

    private async Task<TallyView?> RunAsync(Guid proposal, Flights flights)
    {
        await Task.Yield();   // never run the recount under the caller's lock
        try
        {
            // Not the caller's token: others share this recount, and one client hanging up must not fail theirs.
            return await queries.TallyAsync(proposal, CancellationToken.None);
        }
        finally
        {
            lock (_flights)
            {
                if (flights.Next is { } next)
                {
                    flights.Next = null;
                    flights.Running = RunAsync(proposal, flights);
                    _ = Forward(flights.Running, next);
                }
                else
                {
                    flights.Running = null;
                    _flights.Remove(proposal);
                }
            }
        }
    }

    private static async Task Forward(Task<TallyView?> recount, TaskCompletionSource<TallyView?> waiting)
    {
        try { waiting.TrySetResult(await recount); }
        catch (Exception e) { waiting.TrySetException(e); }
    }

    private sealed class Flights
    {
        public Task<TallyView?>? Running;
        public TaskCompletionSource<TallyView?>? Next;
    }
}
