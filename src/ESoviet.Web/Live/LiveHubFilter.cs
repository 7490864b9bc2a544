using Microsoft.AspNetCore.SignalR;

namespace ESoviet.Web.Live;

/// <summary>
/// SignalR logs every failed hub call at Error, refusals included, and anybody can provoke a refusal: that would let
/// anyone flood the error log. Refusals (a <see cref="HubException"/>) are expected and not logged; anything else is
/// logged here, once, and the caller gets a generic error.
/// </summary>
public sealed class LiveHubFilter(ILogger<LiveHubFilter> logger) : IHubFilter
{
    /// <summary>SignalR's own category for failed hub calls, whose Error entries this filter replaces.</summary>
    public const string DispatcherCategory = "Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher";

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocation);
        }
        catch (HubException)
        {
            throw;
        }
        catch (OperationCanceledException) when (invocation.Context.ConnectionAborted.IsCancellationRequested)
        {
            throw new HubException("The connection closed.");
        }
        catch (Exception e)
        {
            logger.LogError(e, "Live hub method {Method} failed.", invocation.HubMethodName);
            throw new HubException("Live updates failed; try again in a moment.");
        }
    }
}
