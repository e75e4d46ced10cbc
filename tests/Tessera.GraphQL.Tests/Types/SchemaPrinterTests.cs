using Tessera.GraphQL.Types;
using Xunit;

namespace Tessera.GraphQL.Tests.Types;

public class SchemaPrinterTests
{
    [Fact]
    public void PrintedSchemaEqualsGraphQLJsPrintSchema()
    {
        var schema = SchemaBuilder.BuildFromSdl(GraphQLJsFixtures.Sdl);
        Assert.Equal(GraphQLJsFixtures.PrintedSchema, SchemaPrinter.Print(schema));
    }

    [Fact]
    public void PrintedSchemaBuildsTheSameSchemaAgain()
    {
        var printed = SchemaPrinter.Print(SchemaBuilder.BuildFromSdl(GraphQLJsFixtures.Sdl));
        Assert.Equal(printed, SchemaPrinter.Print(SchemaBuilder.BuildFromSdl(printed)));
    }

    [Fact]
    public void SchemaDefinitionIsPrintedOnlyForUncommonRootNames()
    {
        Assert.Equal("type Query {\n  a: Int\n}", SchemaPrinter.Print(SchemaBuilder.BuildFromSdl("type Query { a: Int }")));
        Assert.StartsWith("schema {\n  query: Root\n}\n\n", SchemaPrinter.Print(SchemaBuilder.BuildFromSdl("schema { query: Root } type Root { a: Int }")));
    }

    [Fact]
    public void DescriptionsDefaultsAndDeprecationsArePrinted()
    {
        var printed = SchemaPrinter.Print(SchemaBuilder.BuildFromSdl("""
            type Query {
              "Field doc"
              a("arg doc" x: [Int] = 1, y: E = B): Int @deprecated
              b: Int @deprecated(reason: "use a")
            }
            enum E { A B }
            """));
        Assert.Equal(""""
            type Query {
              """Field doc"""
              a(
                """arg doc"""
                x: [Int] = [1]
                y: E = B
              ): Int @deprecated
              b: Int @deprecated(reason: "use a")
            }

            enum E {
              A
              B
            }
            """", printed);
    }
}
