using Xunit;
using Tessera.Environments;

namespace Tessera.Tests.Infrastructure;

/// <summary>
/// Base of every shared suite: a fresh database on the class's backend, one server on it with a fake clock, and a
/// sandbox environment with an API key. Subclasses exist once per backend, so each suite runs on SQLite and PostgreSQL.
/// </summary>
public abstract class TesseraTestBase(Backend backend, PostgresServer postgres) : IAsyncLifetime
{
    protected Backend Backend { get; } = backend;
    protected PostgresServer Postgres { get; } = postgres;
    protected FakeClock Clock { get; } = new();
    protected TesseraInstance Server { get; private set; } = null!;
    protected TesseraEnvironment Environment { get; private set; } = null!;
    protected string ApiSecret { get; private set; } = null!;
    protected string ApiKeyId { get; private set; } = null!;
    protected string ConnectionString { get; private set; } = null!;
    protected Tessera.Data.DatabaseProvider Provider { get; private set; }
    private readonly List<TesseraInstance> _extra = [];

    /// <summary>True to serve over a real loopback socket (Kestrel) instead of in memory, for WebSocket clients.</summary>
    protected virtual bool Listen => false;

    /// <summary>Settings a suite needs beyond the defaults (e.g. smaller limits).</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public async ValueTask InitializeAsync()
    {
        (Provider, ConnectionString) = await TestDatabases.CreateAsync(Backend, Postgres);
        Server = await TesseraInstance.StartAsync(Provider, ConnectionString, Clock, Settings, listen: Listen);
        (Environment, ApiSecret, ApiKeyId) = await Server.CreateEnvironmentAsync();
    }

    /// <summary>Another server instance on the same database, as behind a load balancer.</summary>
    protected async Task<TesseraInstance> StartSecondInstanceAsync(TimeProvider? clock = null)
    {
        var instance = await TesseraInstance.StartAsync(Provider, ConnectionString, clock ?? Clock, Settings, listen: Listen);
        _extra.Add(instance);
        return instance;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _extra) await instance.DisposeAsync();
        await Server.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
