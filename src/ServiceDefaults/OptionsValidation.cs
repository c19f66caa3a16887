using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ImageSearch.ServiceDefaults;

/// <summary>Options bound from configuration and validated from their data annotations, so a typo fails at start, not mid-run.</summary>
public static class OptionsValidation
{
    /// <summary>Registers <typeparamref name="T"/> from <paramref name="section"/>, validated when the host starts.</summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IHostApplicationBuilder builder, string section)
        where T : class =>
        builder.Services.AddOptions<T>()
            .Bind(builder.Configuration.GetSection(section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

    /// <summary>Binds and validates <typeparamref name="T"/> now, for settings needed while the services are being registered.</summary>
    public static T GetValidatedOptions<T>(this IConfiguration configuration, string section)
        where T : class, new()
    {
        var options = configuration.GetSection(section).Get<T>() ?? new T();
        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true))
            throw new OptionsValidationException(section, typeof(T), errors.Select(e => $"{section}: {e.ErrorMessage}"));
        return options;
    }
}
