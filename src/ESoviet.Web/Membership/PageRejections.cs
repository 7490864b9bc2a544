using ESoviet.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace ESoviet.Web.Membership;

/// <summary>Shows a refusal on a form: field errors beside their fields, anything else at the top of the form.</summary>
public static class PageRejections
{
    /// <param name="prefix">The bound property holding the form's fields, e.g. "Input" for <c>Input.Handle</c>.</param>
    public static void AddTo(this Rejection rejection, ModelStateDictionary modelState, string prefix = "Input")
    {
        if (rejection.Errors is not { Count: > 0 } errors)
        {
            modelState.AddModelError(string.Empty, rejection.Title);
            return;
        }
        // API field names are camelCase ("handle"); the form's are "Input.Handle".
        foreach (var (field, messages) in errors)
        {
            var key = field.Length == 0 ? string.Empty : $"{prefix}.{char.ToUpperInvariant(field[0])}{field[1..]}";
            foreach (var message in messages) modelState.AddModelError(key, message);
        }
    }
}
