using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using O4O.Recovery.Configuration;
using O4O.Recovery.Dashboard;

namespace O4O.Recovery.Supervision;

/// <summary>
/// Binds every section the conductor reads, once, when its host starts: a value that does not convert or break a rule
/// fails the start, naming its key, before anything runs. The conductor is given <see cref="ConductorSettings"/>, never the
/// configuration itself.
/// </summary>
public static class ConductorOptions
{
    /// <summary>The platform's signing key, which the dashboard checks admin tokens with.</summary>
    public const string PlatformSigningKey = "Auth:SigningKey";

    /// <summary>Registers the sections (bound from the <see cref="IConfiguration"/> service), their validation on start and <see cref="ConductorSettings"/> made of them.</summary>
    public static IServiceCollection AddConductorOptions(this IServiceCollection services)
    {
        Add<DatabaseOptions>(services, DatabaseOptions.Section);
        Add<PlatformOptions>(services, PlatformOptions.Section);
        Add<SupervisionOptions>(services, SupervisionOptions.Section);
        Add<AutoRecoveryOptions>(services, AutoRecoveryOptions.Section);
        Add<BackupOptions>(services, BackupOptions.Section);
        Add<ArchivingOptions>(services, ArchivingOptions.Section);
        Add<NginxOptions>(services, NginxOptions.Section);
        Add<DashboardOptions>(services, DashboardOptions.Section);
        Add<IncidentOptions>(services, IncidentOptions.Section);
        // Over the default levels: a setting changes one field of one level.
        services.AddOptions<EscalationOptions>().Configure<IConfiguration>((options, configuration) =>
            EscalationOptions.BindOverDefaults(configuration, options)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EscalationOptions>>(new SectionValidation<EscalationOptions>(EscalationOptions.Section));
        Add<NotificationOptions>(services, NotificationOptions.Section);
        Add<HeartbeatOptions>(services, HeartbeatOptions.Section);
        Add<EventOptions>(services, EventOptions.Section);
        Add<OffsiteOptions>(services, OffsiteOptions.Section);
        Add<ReleaseWatchOptions>(services, ReleaseWatchOptions.Section);
        services.AddSingleton(provider => new ConductorSettings(Value<DatabaseOptions>(provider), Value<PlatformOptions>(provider),
            Value<SupervisionOptions>(provider), Value<AutoRecoveryOptions>(provider), Value<BackupOptions>(provider),
            Value<ArchivingOptions>(provider), Value<NginxOptions>(provider),
            Value<DashboardOptions>(provider),
            new IncidentSettings(Value<IncidentOptions>(provider), Value<EscalationOptions>(provider), Value<NotificationOptions>(provider),
                Value<HeartbeatOptions>(provider)),
            Value<EventOptions>(provider), provider.GetRequiredService<IConfiguration>()[PlatformSigningKey])
        {
            Offsite = Value<OffsiteOptions>(provider),
            Releases = Value<ReleaseWatchOptions>(provider),
        });
        return services;
    }

    private static void Add<T>(IServiceCollection services, string section)
        where T : class
    {
        services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>>(new SectionValidation<T>(section));
    }

    // A value the binder cannot convert ("Platform:Port" = "abc") is reported like a value that breaks a rule.
    private static T Value<T>(IServiceProvider provider)
        where T : class
    {
        try
        {
            return provider.GetRequiredService<IOptions<T>>().Value;
        }
        catch (InvalidOperationException exception)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(T), [exception.Message]);
        }
    }
}
