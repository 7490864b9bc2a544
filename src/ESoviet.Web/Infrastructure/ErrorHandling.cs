namespace ESoviet.Web.Infrastructure;

/// <summary>
/// One error story per audience: programs calling /api get RFC 9457 problem documents, people get a page.
/// </summary>
public static class ErrorHandling
{
    public static IApplicationBuilder UseErrorHandling(this IApplicationBuilder app)
    {
        app.UseWhen(ApiEndpoints.IsApiRequest, api => api
            .UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = context => WriteProblem(context) })
            .UseStatusCodePages(statusCode => WriteProblem(statusCode.HttpContext)));

        app.UseWhen(context => !ApiEndpoints.IsApiRequest(context), pages => pages
            .UseExceptionHandler("/Error")
            .UseStatusCodePagesWithReExecute("/Error/{0}"));

        return app;
    }

    // Results.Problem rather than IProblemDetailsService alone: the service declines to write when the caller's
    // Accept header does not mention JSON (a browser opening /api/... by hand), and the result then falls back to
    // writing application/problem+json itself, so API errors never turn into HTML or plain text.
    private static Task WriteProblem(HttpContext context) =>
        Results.Problem(statusCode: context.Response.StatusCode >= 400 ? context.Response.StatusCode : 500)
            .ExecuteAsync(context);
}
