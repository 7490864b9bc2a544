namespace ESoviet.EventStore;

/// <summary>
/// A wake-up that many waiters can share: <see cref="Set"/> releases everyone waiting now,
/// and a waiter that arrives after a Set it has not yet observed returns at once.
/// </summary>
public sealed class AsyncSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _generation;
    private readonly Lock _lock = new();

    public long Generation => Interlocked.Read(ref _generation);

    public void Set()
    {
        TaskCompletionSource released;
        lock (_lock)
        {
            released = _next;
            _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
            _generation++;
        }
        released.TrySetResult();
    }

    /// <summary>Waits for a Set after <paramref name="seenGeneration"/>; returns false on timeout.</summary>
    public async Task<bool> WaitAsync(long seenGeneration, TimeSpan timeout, CancellationToken ct)
    {
        Task task;
        lock (_lock)
        {
            if (_generation != seenGeneration) return true;
            task = _next.Task;
        }
        try
        {
            await task.WaitAsync(timeout, ct);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
