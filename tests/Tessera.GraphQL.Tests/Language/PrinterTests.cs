using Tessera.GraphQL.Language;
using Xunit;

namespace Tessera.GraphQL.Tests.Language;

public class PrinterTests
{
    private const string KitchenSink = """"
        query queryName($foo: ComplexType, $site: Site = MOBILE) @onQuery {
          whoever123is: node(id: [123, 456]) {
            id
            ... on User @onInlineFragment {
              field2 {
                id
                alias: field1(first: 10, after: $foo) @include(if: $foo) {
                  id
                  ...frag @onFragmentSpread
                }
              }
            }
            ... @skip(unless: $foo) {
              id
            }
            ... {
              id
            }
          }
        }

        mutation likeStory @onMutation {
          like(story: 123) @onField {
            story {
              id @onField
            }
          }
        }

        subscription StoryLikeSubscription($input: StoryLikeSubscribeInput @onVariableDefinition) @onSubscription {
          storyLikeSubscribe(input: $input) {
            story {
              likers {
                count
              }
            }
          }
        }

        fragment frag on Friend @onFragmentDefinition {
          foo(
            size: $size
            bar: $b
            obj: {key: "value", block: """
            block string uses \"""
            """}
            onlyVariable: $onlyVariable
          )
        }

        {
          unnamed(truthy: true, falsy: false, nullish: null)
          query
        }

        {
          __typename
        }
        """";

    [Fact]
    public void PrintingTheKitchenSinkGivesTheSameTextAsGraphQLJs()
    {
        Assert.Equal(KitchenSink, Printer.Print(Parser.Parse(KitchenSink)));
    }

    [Fact]
    public void PrintedDocumentsParseBackToTheSamePrint()
    {
        var source = "query Q($a: [Int!]! = [1], $b: In = {x: \"y\\n\"}) { f(a: $a) { ...F ... on T { g } } } fragment F on T { h @skip(if: true) }";
        var printed = Printer.Print(Parser.Parse(source));
        Assert.Equal(printed, Printer.Print(Parser.Parse(printed)));
        Assert.Contains("query Q($a: [Int!]! = [1], $b: In = {x: \"y\\n\"}) {", printed);
    }

    [Fact]
    public void AnonymousQueryPrintsAsShorthand()
    {
        Assert.Equal("{\n  a\n}", Printer.Print(Parser.Parse("query { a }")));
        Assert.Equal("query Q {\n  a\n}", Printer.Print(Parser.Parse("query Q { a }")));
    }

    [Fact]
    public void TypeSystemDocumentsRoundTrip()
    {
        const string sdl = """
            "Desc"
            type A implements B & C @x {
              "field desc"
              f(a: Int = 1, b: [String!]): String @deprecated(reason: "r")
            }

            extend type A @y

            union U = A | B

            enum E {
              ONE
              TWO
            }

            input I @oneOf {
              a: Int
            }

            directive @x(a: Int) repeatable on OBJECT | FIELD

            schema {
              query: Q
            }
            """;
        Assert.Equal(sdl, Printer.Print(Parser.Parse(sdl)));
    }

    [Fact]
    public void StringsAreEscapedLikeJson()
    {
        Assert.Equal("\"a\\\"b\\\\c\\n\\u0001\"", Printer.PrintString("a\"b\\c\n\u0001"));
    }
}
