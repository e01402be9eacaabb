using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The service defaults every HeartRule service shares, shaped like Aspire's ServiceDefaults template
/// so that moving the AppHost to real Aspire leaves the services untouched.
/// </summary>
public static class Extensions
{
    private const string HealthEndpointPath = "/health";
    private const string AlivenessEndpointPath = "/alive";

    /// <summary>
    /// Activity sources and meters: the bus, and HeartRule's own (HeartRule.Gateway, HeartRule.Engine, …, one
    /// wildcard so that a new one is never left out). Aspire's database and Redis clients add theirs.
    /// </summary>
    private static readonly string[] TracingSources = ["MassTransit", "HeartRule.*"];
    private static readonly string[] MeterNames = ["MassTransit", "HeartRule.*"];

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // Every log line carries the trace it belongs to, and the scopes the services open (sessionId, …).
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.Logging.AddSimpleConsole(o => o.IncludeScopes = true);
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        // Spans and metrics cost CPU on every hop of a turn even when nobody collects them (measured: p99 at 100
        // turns/s doubled, docs/benchmarks.md), so they are recorded only when they are exported. The Aspire clients
        // (PostgreSQL, Redis) read their switch from configuration.
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Configuration["Aspire:Npgsql:DisableTracing"] ??= "true";
            builder.Configuration["Aspire:Npgsql:DisableMetrics"] ??= "true";
            builder.Configuration["Aspire:StackExchange:Redis:DisableTracing"] ??= "true";
            return builder;
        }

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(MeterNames))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(TracingSources)
                .AddAspNetCoreInstrumentation(o =>
                    // Probes would drown the traces that matter.
                    o.Filter = ctx => !ctx.Request.Path.StartsWithSegments(HealthEndpointPath)
                                      && !ctx.Request.Path.StartsWithSegments(AlivenessEndpointPath))
                .AddHttpClientInstrumentation())
            .UseOtlpExporter();
        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        builder.Services.AddOptions<HealthEndpointOptions>().BindConfiguration(HealthEndpointOptions.Section)
            .Validate(o => o.Port is null or > 0 and < 65536, "Health:Port must be a TCP port (1-65535).")
            .ValidateOnStart();
        return builder;
    }

    /// <summary>
    /// <c>/health</c>: ready, every registered check passes (the service's own dependencies included).
    /// <c>/alive</c>: the process is responsive (only checks tagged "live").
    /// They name the service's dependencies and answer anyone, so outside Development they are mapped only when
    /// asked for: on an internal port the public listener does not serve (<c>Health:Port</c>), or everywhere
    /// (<c>Health:Enabled</c>, for an orchestrator that reaches the service only on a private network).
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<HealthEndpointOptions>>().Value;
        var alive = new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") };
        if (options.Port is { } port)
        {
            // Told apart by the port the connection came in on, not by the Host header: a caller writes that one
            // itself, and a proxy in front of the public port passes it on.
            app.UseHealthChecks(HealthEndpointPath, port);
            app.UseHealthChecks(AlivenessEndpointPath, port, alive);
            return app;
        }
        if (!(options.Enabled ?? app.Environment.IsDevelopment())) return app;
        app.MapHealthChecks(HealthEndpointPath);
        app.MapHealthChecks(AlivenessEndpointPath, alive);
        return app;
    }
}

/// <summary>Where the health endpoints answer (section "Health").</summary>
public sealed class HealthEndpointOptions
{
    public const string Section = "Health";

    /// <summary>Serve /health and /alive on every listener; default: in Development only.</summary>
    public bool? Enabled { get; set; }

    /// <summary>
    /// Serve them only on this port (which the service must also listen on, e.g. in ASPNETCORE_URLS), whatever
    /// <see cref="Enabled"/> says: an internal port the ingress does not route.
    /// </summary>
    public int? Port { get; set; }
}
