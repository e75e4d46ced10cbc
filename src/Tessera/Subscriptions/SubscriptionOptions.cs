using System.ComponentModel.DataAnnotations;

namespace Tessera.Subscriptions;

/// <summary>Bound from <c>Subscriptions</c>: the bounds of <c>/websockets</c>.</summary>
public sealed class SubscriptionOptions
{
    public const string Section = "Subscriptions";

    /// <summary>Open sockets one profile may hold on one instance (tabs, devices). Defaults to 10.</summary>
    [Range(1, 10_000)]
    public int MaxSocketsPerProfile { get; set; } = 10;

    /// <summary>Open sockets one instance holds in all. Defaults to 20,000.</summary>
    [Range(1, 1_000_000)]
    public int MaxSocketsPerInstance { get; set; } = 20_000;

    /// <summary>Channel subscriptions one socket may hold (each runs one GraphQL subscription). Defaults to 20.</summary>
    [Range(1, 1_000)]
    public int MaxSubscriptionsPerSocket { get; set; } = 20;

    /// <summary>Largest message a client may send, in bytes; a larger one closes the socket. Defaults to 64 KiB.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>Commands a client may send at once before the sustained rate applies. Defaults to 20.</summary>
    [Range(1, 10_000)]
    public int CommandBurst { get; set; } = 20;

    /// <summary>Commands per second a client may send in the long run; faster closes the socket. Defaults to 5.</summary>
    [Range(0.01, 10_000)]
    public double CommandsPerSecond { get; set; } = 5;

    /// <summary>
    /// Time between pings. ActionCable's client reopens a link silent for two of its beats (6 s), so keep it at
    /// most 3 s. Each ping also rechecks the token. Defaults to 3 seconds.
    /// </summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How often the event log is read when nothing woke the reader (a commit of this process, or PostgreSQL's
    /// NOTIFY, wakes it at once). Defaults to 1 second.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Events waiting to be executed for one socket, and messages waiting to be sent to it (each queue); a socket
    /// further behind is closed (it reconnects). Defaults to 256.
    /// </summary>
    [Range(1, 100_000)]
    public int SendQueueLength { get; set; } = 256;

    /// <summary>How long one message may take to send; a client that stops reading is cut off after it. Defaults to 10 seconds.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Whether a socket may open, given what is open already.</summary>
public enum CableAdmission { Admitted, InstanceFull, ProfileFull }

/// <summary>The bounds of <see cref="SubscriptionOptions"/> as decisions, each a pure function of counts.</summary>
public static class CableLimits
{
    public static CableAdmission Admit(int instanceSockets, int profileSockets, SubscriptionOptions options) =>
        instanceSockets >= options.MaxSocketsPerInstance ? CableAdmission.InstanceFull
        : profileSockets >= options.MaxSocketsPerProfile ? CableAdmission.ProfileFull
        : CableAdmission.Admitted;

    public static bool MaySubscribe(int subscriptions, SubscriptionOptions options) => subscriptions < options.MaxSubscriptionsPerSocket;

    /// <summary>
    /// A token bucket of commands: <paramref name="tokens"/> as of <paramref name="at"/> (timestamps of a
    /// <see cref="TimeProvider"/>), refilled at the sustained rate up to the burst. True when a command may run (and
    /// is taken); false when the client sends faster than allowed.
    /// </summary>
    public static bool TakeCommand(ref double tokens, ref long at, long now, long frequency, SubscriptionOptions options)
    {
        var elapsed = Math.Max(0, now - at) / (double)frequency;
        tokens = Math.Min(options.CommandBurst, tokens + elapsed * options.CommandsPerSecond);
        at = now;
        if (tokens < 1) return false;
        tokens -= 1;
        return true;
    }
}
