using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ESoviet.Web.Pages;

/// <summary>
/// The page people see when something fails: re-executed by the exception handler (no code, status 500) and by
/// status code pages (<c>/Error/404</c> and the like) for everything outside <c>/api</c>.
/// </summary>
// A failed POST is re-executed here as a POST: it must render, not fail again on a missing antiforgery token.
[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class ErrorModel : PageModel
{
    public int Code { get; private set; }

    public string Title { get; private set; } = "";

    public string Explanation { get; private set; } = "";

    // Not an OnGet handler: status code pages re-execute with the original method (POST, PUT, DELETE...),
    // and this runs for every method, with or without a matching handler.
    public override void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        var code = int.TryParse(RouteData.Values["code"] as string, out var routeCode) ? routeCode : (int?)null;

        // Re-executed requests already carry their status; a direct visit to /Error/404 gets the one it names.
        Code = code ?? (Response.StatusCode >= 400 ? Response.StatusCode : StatusCodes.Status500InternalServerError);
        if (Code is >= 400 and <= 599)
        {
            Response.StatusCode = Code;
        }

        (Title, Explanation) = Code switch
        {
            StatusCodes.Status404NotFound => ("Page not found",
                "There is no page at this address. The link may be mistyped, or what it pointed to may have moved."),
            StatusCodes.Status403Forbidden => ("Not allowed",
                "You do not have permission to see this page."),
            StatusCodes.Status400BadRequest => ("Something was wrong with that request",
                "Go back, reload the page and try again."),
            StatusCodes.Status405MethodNotAllowed => ("That cannot be done here",
                "This address does not accept that kind of request."),
            StatusCodes.Status429TooManyRequests => ("Too many attempts",
                "To protect accounts from guessing, this is limited. Wait a minute, then try again."),
            StatusCodes.Status503ServiceUnavailable => ("Not available right now",
                "ESoviet cannot reach its database at the moment. Please try again shortly."),
            >= 400 and < 500 => ("That request could not be completed",
                "Go back, reload the page and try again."),
            _ => ("Something went wrong",
                "The server could not complete your request. Nothing you did caused this; please try again in a moment."),
        };
    }
}
