using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Tessera.Data;
using Tessera.Delivery;

namespace Tessera;

/// <remarks>In the root namespace, like the other features' AddXxx, so Program.cs needs no extra using.</remarks>
public static class DeliveryServiceCollectionExtensions
{
    /// <summary>
    /// The outbox, its providers (SMTP for email, Twilio for SMS: each in use once configured) and the dispatcher that
    /// delivers it, plus the start-up check that production environments can send.
    /// </summary>
    public static IServiceCollection AddTesseraDelivery(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TwilioOptions>().BindConfiguration(TwilioOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.AddHttpClient(TwilioSmsSender.HttpClientName);
        services.AddSingleton<IMessageSender, SmtpEmailSender>();
        services.AddSingleton<IMessageSender, TwilioSmsSender>();
        services.TryAddScoped<Outbox>();

        // Wakes the dispatcher when a message commits, so a passcode goes out without waiting for the next poll.
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<OutboxCommitInterceptor>();
        services.ConfigureDbContext<TesseraDbContext>((sp, options) => options.AddInterceptors(sp.GetRequiredService<OutboxCommitInterceptor>()), ServiceLifetime.Singleton);

        services.AddHostedService<DeliveryStartupCheck>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        return services;
    }
}
