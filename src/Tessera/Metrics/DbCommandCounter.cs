using System.Data.Common;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Tessera.Telemetry;

namespace Tessera.Metrics;

/// <summary>
/// Counts every SQL command EF Core sends (reads, writes, scalars), sync or async; and, when tracing is on, gives
/// each SQLite command a span (Npgsql traces its own commands, and SQLite has no tracing of its own).
/// </summary>
internal sealed class DbCommandCounter(TesseraMetrics metrics) : DbCommandInterceptor
{
    private static readonly ConditionalWeakTable<DbCommand, Activity> Spans = new();

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Executing(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Executing(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Executing(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Executing(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Executing(command);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Executing(command);
        return ValueTask.FromResult(result);
    }

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        Executed(command, null);
        return result;
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        Executed(command, null);
        return ValueTask.FromResult(result);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Executed(command, null);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Executed(command, null);
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        Executed(command, null);
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        Executed(command, null);
        return ValueTask.FromResult(result);
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Executed(command, eventData.Exception);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Executed(command, eventData.Exception);
        return Task.CompletedTask;
    }

    public override void CommandCanceled(DbCommand command, CommandEndEventData eventData) => Executed(command, null);

    public override Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Executed(command, null);
        return Task.CompletedTask;
    }

    private void Executing(DbCommand command)
    {
        metrics.CountDbCommand();
        if (command is not SqliteCommand) return;
        var parent = Activity.Current;
        // Null (and nearly free) unless a tracer listens to the "Tessera" source.
        var span = TesseraTelemetry.Source.StartActivity("sqlite", ActivityKind.Client);
        if (span is null) return;
        // The span is not left current: EF may run the interceptor in a flow whose changes do not reach the
        // Executed call, so the span is found by its command instead.
        Activity.Current = parent;
        if (span.IsAllDataRequested)
        {
            var operation = Operation(command.CommandText);
            span.DisplayName = operation;
            span.SetTag("db.system.name", "sqlite");
            span.SetTag("db.operation.name", operation);
            // Parameterised text only: values are bound by name and never appear in it.
            span.SetTag("db.query.text", command.CommandText);
        }
        Spans.AddOrUpdate(command, span);
    }

    private static void Executed(DbCommand command, Exception? error)
    {
        if (!Spans.TryGetValue(command, out var span)) return;
        Spans.Remove(command);
        if (error is not null) span.SetStatus(ActivityStatusCode.Error, error.GetType().Name);
        span.Stop();
    }

    private static string Operation(string sql)
    {
        var text = sql.AsSpan().TrimStart();
        var end = text.IndexOfAny(' ', '\n', '\r');
        return (end < 0 ? text : text[..end]).ToString().ToUpperInvariant();
    }
}
