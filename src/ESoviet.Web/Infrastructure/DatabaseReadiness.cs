namespace ESoviet.Web.Infrastructure;

/// <summary>
/// Whether the database schema is in place. The app starts even when PostgreSQL is not reachable yet (a container
/// that comes up before its database, a restart during maintenance): /health then says so with 503, every other
/// request gets a 503 problem, and background work waits here until the migrations have run.
/// </summary>
public sealed class DatabaseReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => _ready.Task.IsCompleted;

    public Task WaitAsync(CancellationToken ct) => _ready.Task.WaitAsync(ct);

    internal void MarkReady() => _ready.TrySetResult();
}

public static class DatabaseReadinessMiddleware
{
    /// <summary>Answers 503 (with Retry-After) for everything but /health until the schema is ready.</summary>
    public static IApplicationBuilder UseDatabaseReadiness(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var readiness = context.RequestServices.GetRequiredService<DatabaseReadiness>();
            if (readiness.IsReady || context.Request.Path.StartsWithSegments("/health"))
            {
                await next(context);
                return;
            }
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "5";
            await Results.Problem(
                title: "ESoviet is starting and cannot reach its database yet.",
                statusCode: StatusCodes.Status503ServiceUnavailable).ExecuteAsync(context);
        });
}
