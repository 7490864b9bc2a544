using System.Collections.Concurrent;
using System.Text;

namespace ESoviet.EventStore;

/// <summary>
/// Maps CLR event types to the stable names stored in the <c>type</c> column. Names outlive
/// class renames: register an explicit name when a type is renamed.
/// </summary>
public sealed class EventTypeRegistry
{
    private readonly ConcurrentDictionary<Type, string> _names = new();
    private readonly ConcurrentDictionary<string, Type> _types = new(StringComparer.Ordinal);

    public EventTypeRegistry Add<T>(string? name = null) => Add(typeof(T), name);

    public EventTypeRegistry Add(Type type, string? name = null)
    {
        name ??= ToSnakeCase(type.Name);
        if (_types.TryGetValue(name, out var existing) && existing != type)
            throw new InvalidOperationException($"Event type name '{name}' is used by both {existing} and {type}.");
        _types[name] = type;
        _names[type] = name;
        return this;
    }

    public EventTypeRegistry AddRange(IEnumerable<Type> types)
    {
        foreach (var type in types) Add(type);
        return this;
    }

    public string NameOf(Type type) =>
        _names.TryGetValue(type, out var name)
            ? name
            : throw new InvalidOperationException($"{type} is not a registered event type.");

    public Type TypeOf(string name) =>
        _types.TryGetValue(name, out var type)
            ? type
            : throw new UnknownEventTypeException(name);

    public bool TryGetType(string name, out Type type) => _types.TryGetValue(name, out type!);

    public IReadOnlyCollection<string> Names => _types.Keys.ToList();

    /// <summary><c>VoteCast</c> becomes <c>vote_cast</c>, as Marten names events.</summary>
    public static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1])))) builder.Append('_');
                builder.Append(char.ToLowerInvariant(c));
            }
            else builder.Append(c);
        }
        return builder.ToString();
    }
}
