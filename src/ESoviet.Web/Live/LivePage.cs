using Microsoft.AspNetCore.Mvc.Filters;

namespace ESoviet.Web.Live;

/// <summary>
/// The position a page was rendered at, for its <c>data-last-seq</c>: where this node's feed stood just before the page
/// handler read the read models. Every event at or below it is in what the page shows, so the page's CatchUp from there
/// misses nothing, while the largest seq found in the read models would not do: a slow commit below it may still be
/// missing from them. At worst CatchUp returns an event the page already shows, which the script takes in its stride.
/// </summary>
public sealed class LivePage(LiveConnections connections) : IAsyncPageFilter
{
    private const string ItemKey = "esoviet:live-seq";

    public static string? Sequence(HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var seq) && seq is long value ? value.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        context.HttpContext.Items[ItemKey] = connections.Position;
        return next();
    }
}
