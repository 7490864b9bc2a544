using System.Collections.Concurrent;
using System.Reflection;

namespace ESoviet.EventStore;

/// <summary>
/// Folds events into a state object by convention, like Marten's self-aggregating types:
/// public instance <c>Apply(TEvent)</c> methods that either mutate the state (void) or
/// return the next state (immutable records). Events without a matching method are ignored,
/// so an aggregate only declares the events that shape it.
/// </summary>
public static class Aggregator<T> where T : class
{
    private static readonly ConcurrentDictionary<Type, Func<T, object, T>?> Appliers = new();

    public static T Fold(T seed, IEnumerable<object> events)
    {
        var state = seed;
        foreach (var @event in events) state = Apply(state, @event);
        return state;
    }

    public static T Apply(T state, object @event)
    {
        var applier = Appliers.GetOrAdd(@event.GetType(), Build);
        return applier is null ? state : applier(state, @event);
    }

    private static Func<T, object, T>? Build(Type eventType)
    {
        var method = typeof(T)
            .GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.Name == "Apply" && m.GetParameters() is [var p] && p.ParameterType.IsAssignableFrom(eventType))
            .OrderBy(m => Distance(m.GetParameters()[0].ParameterType, eventType))
            .FirstOrDefault();
        if (method is null) return null;
        if (method.ReturnType == typeof(void))
            return (state, e) => { method.Invoke(state, [e]); return state; };
        if (typeof(T).IsAssignableFrom(method.ReturnType))
            return (state, e) => (T)method.Invoke(state, [e])!;
        throw new InvalidOperationException($"{typeof(T)}.Apply({eventType.Name}) must return void or {typeof(T).Name}.");
    }

    // Prefer Apply(VoteCast) over Apply(object) when both exist.
    private static int Distance(Type declared, Type actual)
    {
        var distance = 0;
        for (var t = actual; t is not null && t != declared; t = t.BaseType) distance++;
        return declared.IsInterface ? int.MaxValue - 1 : distance;
    }
}
