using Microsoft.EntityFrameworkCore;
using Tessera.Data;
using Tessera.Environments;

namespace Tessera.Delivery;

/// <summary>
/// Production environments must be able to send passcodes. At start, with any PRODUCTION environment in the
/// database: a channel without a provider is logged as an error (passcodes by it answer 503), and no provider at all
/// stops the server. Sandbox and development environments capture messages instead (<c>tessera outbox list</c>).
/// </summary>
/// <remarks>Registered after the database start-up, so the schema is migrated when this runs.</remarks>
public sealed class DeliveryStartupCheck(IServiceScopeFactory scopes, IEnumerable<IMessageSender> senders, ILogger<DeliveryStartupCheck> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var missing = Enum.GetValues<OutboxChannel>().Where(c => !senders.Any(s => s.Channel == c && s.IsConfigured)).ToList();
        if (missing.Count == 0) return;

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TesseraDbContext>();
        var production = await db.Environments.AsNoTracking().Where(e => e.Mode == EnvironmentMode.Production)
            .OrderBy(e => e.Name).Select(e => e.Name).Take(5).ToListAsync(cancellationToken);
        if (production.Count == 0) return;

        foreach (var channel in missing)
            logger.LogError("PRODUCTION environment(s) {Environments} exist but no {Channel} provider is configured ({Keys}): passcodes by {Channel} cannot be sent",
                production, channel, KeysFor(channel), channel);
        if (missing.Count == Enum.GetValues<OutboxChannel>().Length)
            throw new InvalidOperationException(
                $"PRODUCTION environment(s) exist ({string.Join(", ", production)}) but no delivery provider is configured: " +
                $"set {KeysFor(OutboxChannel.Email)} and/or {KeysFor(OutboxChannel.Sms)}.");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string KeysFor(OutboxChannel channel) => channel == OutboxChannel.Email
        ? "Email:Smtp:Host and Email:From"
        : "Sms:Twilio:AccountSid, Sms:Twilio:AuthToken and Sms:Twilio:From or Sms:Twilio:MessagingServiceSid";
}
