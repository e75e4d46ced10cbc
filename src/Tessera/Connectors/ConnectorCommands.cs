using System.CommandLine;
using Tessera.Cli;

namespace Tessera.Connectors;

/// <summary><c>tessera connectors</c>: create, list and delete Connector configurations.</summary>
internal static class ConnectorCommands
{
    internal static Command Connectors()
    {
        var client = new Option<string>("--client") { Description = "The passwordless client (its environment and allowed origins apply)", Required = true };
        var name = new Option<string>("--name") { Description = "A name for operators; defaults to the client's" };
        var create = new Command("create", "Create a Connector for a client") { client, name };
        create.SetAction((parse, ct) => TesseraCli.WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            var connector = await services.GetRequiredService<ConnectorAdmin>().CreateAsync(parse.GetValue(client)!, parse.GetValue(name), cancellationToken);
            if (connector is null) return TesseraCli.Fail($"No client '{parse.GetValue(client)}'.");
            TesseraCli.Output(parse, View(connector), () => Console.WriteLine($"Created connector {connector.Id} for client {connector.ClientId} in {connector.EnvironmentId}"));
            return 0;
        }, ct));

        var environment = new Option<string>("--environment") { Description = "Environment id or name" };
        var list = new Command("list", "List Connectors") { environment };
        list.SetAction((parse, ct) => TesseraCli.WithOptionalEnvironmentAsync(parse, parse.GetValue(environment), async (services, env, cancellationToken) =>
        {
            var rows = await services.GetRequiredService<ConnectorAdmin>().ListAsync(env?.Id, cancellationToken);
            TesseraCli.Output(parse, rows.Select(View), () => TesseraCli.Table(["ID", "NAME", "CLIENT", "ENVIRONMENT"],
                rows.Select(c => new[] { c.Id, c.Name, c.ClientId, c.EnvironmentId })));
            return 0;
        }, ct));

        var id = new Argument<string>("id") { Description = "The connector id" };
        var delete = new Command("delete", "Delete a Connector (front ends using its id get 404)") { id };
        delete.SetAction((parse, ct) => TesseraCli.WithServicesAsync(parse, async (services, cancellationToken) =>
        {
            if (!await services.GetRequiredService<ConnectorAdmin>().DeleteAsync(parse.GetValue(id)!, cancellationToken))
                return TesseraCli.Fail($"No connector '{parse.GetValue(id)}'.");
            TesseraCli.Output(parse, new { id = parse.GetValue(id), deleted = true }, () => Console.WriteLine($"Deleted connector {parse.GetValue(id)}."));
            return 0;
        }, ct));
        return new Command("connectors", "Manage Connectors (the ids QuilttButton and QuilttContainer open)") { create, list, delete };
    }

    internal static object View(Connector c) => new { id = c.Id, name = c.Name, clientId = c.ClientId, environmentId = c.EnvironmentId, createdAt = TesseraCli.Iso(c.CreatedAt) };
}
