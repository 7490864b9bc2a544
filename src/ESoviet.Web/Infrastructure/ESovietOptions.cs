namespace ESoviet.Web.Infrastructure;

/// <summary>Deployment switches for one ESoviet instance, bound from the <c>ESoviet</c> configuration section.</summary>
public sealed class ESovietOptions
{
    public const string SectionName = "ESoviet";

    /// <summary>Fill an empty instance with a demonstration organization on start-up. Never on a real deployment.</summary>
    public bool SeedDemo { get; set; }

    /// <summary>
    /// Whether a second organization may be founded once the first exists. Off by default so that an instance,
    /// once founded, cannot be taken over by whoever finds the founding page next.
    /// </summary>
    public bool AllowFoundingAfterFirst { get; set; }
}
