using System.CommandLine;
using Tessera.DataApi;
using Tessera.GraphQL.Types;

namespace Tessera.Cli;

/// <summary><c>tessera graphql-schema</c>: the data API's schema as SDL, for codegen and the committed snapshot.</summary>
internal static class GraphQLCommands
{
    internal static Command Schema()
    {
        var command = new Command("graphql-schema", "Print the GraphQL schema (SDL) of /v1/graphql");
        command.SetAction(_ =>
        {
            Console.Write(SchemaPrinter.Print(TesseraGraphQLSchema.Build()));
            Console.WriteLine();
            return 0;
        });
        return command;
    }
}
