namespace ESoviet.Testing;

/// <summary>Waiting for something the app does in the background: a condition polled, never a fixed sleep.</summary>
public static class Conditions
{
    /// <summary>Polls <paramref name="condition"/> every 100 ms until it holds; a <see cref="TimeoutException"/> after <paramref name="timeout"/> (15 s).</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The condition did not come true in time.");
            await Task.Delay(100);
        }
    }
}
