using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ESoviet.Web.About;

/// <summary>What software answers here, so operators and client programs can tell releases apart.</summary>
public sealed record VersionInfo(string Name, string Version)
{
    public static VersionInfo Current { get; } = new(
        "ESoviet",
        typeof(VersionInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? typeof(VersionInfo).Assembly.GetName().Version?.ToString()
            ?? "unknown");
}

public static class VersionApi
{
    public static RouteGroupBuilder MapVersionApi(this RouteGroupBuilder api)
    {
        api.MapGet("/version", GetVersion).WithName("GetVersion");
        return api;
    }

    private static Ok<VersionInfo> GetVersion() => TypedResults.Ok(VersionInfo.Current);
}
