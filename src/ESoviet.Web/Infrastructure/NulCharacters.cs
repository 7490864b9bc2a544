using System.Text.Json;
using System.Text.Json.Serialization;

namespace ESoviet.Web.Infrastructure;

/// <summary>
/// PostgreSQL stores no NUL character, in <c>text</c> or <c>jsonb</c>: one that reaches a query fails it with an error
/// that would surface as a 500. So NUL is refused at the door, as the 400 it is: in JSON strings while binding, and in
/// query strings before routing. (Kestrel already refuses one in the path.)
/// </summary>
public static class NulCharacters
{
    public static IApplicationBuilder UseNulRefusal(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            var query = context.Request.QueryString.Value;
            if (query is null || !query.Contains("%00", StringComparison.Ordinal)) return next(context);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return Task.CompletedTask;
        });

    /// <summary>Every string the API binds from JSON: a NUL in it makes the body invalid (400), like malformed JSON.</summary>
    public sealed class RefusingConverter : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var value = reader.GetString();
            return value is not null && value.Contains('\0') ? throw new JsonException("Text may not contain the NUL character.") : value;
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }
}
