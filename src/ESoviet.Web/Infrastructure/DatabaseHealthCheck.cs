using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace ESoviet.Web.Infrastructure;

/// <summary>Healthy when a pooled connection opens and PostgreSQL answers a trivial query.</summary>
public sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("select 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy("PostgreSQL answers.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Caught here because the health check service would otherwise publish ex.Message, which names the
            // host, port and user. It still logs the exception we hand back.
            return new HealthCheckResult(context.Registration.FailureStatus, "PostgreSQL does not answer.", ex);
        }
    }
}
