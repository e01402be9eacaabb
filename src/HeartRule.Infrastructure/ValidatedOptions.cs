using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HeartRule.Infrastructure;

public static class ValidatedOptions
{
    /// <summary>
    /// Binds a settings section, checks its data annotations when the host starts (a bad value stops the service
    /// with the setting's name instead of misbehaving later), and registers the bound value as a singleton.
    /// </summary>
    /// <returns>The bound values, for the few settings the builder itself needs (limiters, consumers).</returns>
    public static T AddValidatedOptions<T>(this IHostApplicationBuilder builder, string section) where T : class, new()
    {
        builder.Services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        return builder.Configuration.GetSection(section).Get<T>() ?? new T();
    }
}
