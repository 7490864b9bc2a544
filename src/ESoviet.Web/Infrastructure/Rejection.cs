namespace ESoviet.Web.Infrastructure;

/// <summary>
/// Why a command was refused, in terms an API client and a form can both show: an HTTP status, a title,
/// and optional errors per input field. Decide functions return it instead of throwing.
/// </summary>
public sealed record Rejection(int Status, string Title, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public static Rejection Invalid(string field, string message) =>
        new(StatusCodes.Status400BadRequest, "The request is not valid.", new Dictionary<string, string[]> { [field] = [message] });

    public static Rejection Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        new(StatusCodes.Status400BadRequest, "The request is not valid.", errors);

    public static Rejection Forbidden(string title) => new(StatusCodes.Status403Forbidden, title);

    public static Rejection NotFound(string title) => new(StatusCodes.Status404NotFound, title);

    public static Rejection Conflict(string title) => new(StatusCodes.Status409Conflict, title);

    public IResult ToResult() => Errors is { Count: > 0 }
        ? Results.ValidationProblem(Errors, title: Title, statusCode: Status)
        : Results.Problem(title: Title, statusCode: Status);
}

/// <summary>Either the events a command decided, or why it was refused.</summary>
public readonly record struct Decision(IReadOnlyList<IDomainEvent> Events, Rejection? Rejection)
{
    public bool IsRejected => Rejection is not null;

    public static Decision Accept(params IDomainEvent[] events) => new(events, null);

    public static implicit operator Decision(Rejection rejection) => new([], rejection);
}
