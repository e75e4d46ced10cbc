using Xunit;
using Tessera.GraphQL.Language;
using Tessera.GraphQL.Types;
using Tessera.GraphQL.Validation;

namespace Tessera.GraphQL.Tests.Validation;

/// <summary>An error the test expects: the exact message and the exact locations, in graphql-js order.</summary>
internal sealed record ExpectedError(string Message, params (int Line, int Column)[] Locations);

/// <summary>Parses a document, validates it against the spec's example schema and compares errors.</summary>
internal static class ValidationHarness
{
    /// <summary>
    /// The type system of spec section 5's examples (Dog, Cat, Pet, Sentient, ...), plus the few
    /// additions the examples mention (Arguments, FindDogInput, subscriptions) and a @oneOf input.
    /// </summary>
    public const string TestSdl = """
        schema {
          query: Query
          mutation: Mutation
          subscription: Subscription
        }

        directive @onQuery on QUERY
        directive @onMutation on MUTATION
        directive @onField on FIELD
        directive @onFragmentDefinition on FRAGMENT_DEFINITION
        directive @onFragmentSpread on FRAGMENT_SPREAD
        directive @onInlineFragment on INLINE_FRAGMENT
        directive @onVariableDefinition on VARIABLE_DEFINITION
        directive @repeatableOnField repeatable on FIELD
        directive @withRequiredArg(arg: Int!) on FIELD

        type Query {
          dog: Dog
          findDog(searchBy: FindDogInput): Dog
          booleanList(booleanListArg: [Boolean!]): Boolean
          human: Human
          pet: Pet
          catOrDog: CatOrDog
          dogOrHuman: DogOrHuman
          humanOrAlien: HumanOrAlien
          arguments: Arguments
          field(arg: FieldInput): FieldResult
          findPet(input: PetInput): Pet
          findPetRequired(input: PetInput!): Pet
          json(value: Json): String
          node: Node
        }

        type Mutation {
          mutateDog: MutateDogPayload
        }

        type MutateDogPayload {
          id: String
        }

        type Subscription {
          newMessage: Message
          disallowedSecondRootField: Boolean
        }

        type Message {
          body: String
          sender: String
        }

        enum DogCommand {
          SIT
          DOWN
          HEEL
        }

        type Dog implements Pet {
          name: String!
          nickname: String
          barkVolume: Int
          doesKnowCommand(dogCommand: DogCommand!): Boolean!
          isHouseTrained(atOtherHomes: Boolean): Boolean!
          owner: Human
        }

        interface Sentient {
          name: String!
        }

        interface Pet {
          name: String!
        }

        type Alien implements Sentient {
          name: String!
          homePlanet: String
        }

        type Human implements Sentient {
          name: String!
          pets: [Pet!]
        }

        enum CatCommand {
          JUMP
        }

        type Cat implements Pet {
          name: String!
          nickname: String
          doesKnowCommand(catCommand: CatCommand!): Boolean!
          meowVolume: Int
        }

        union CatOrDog = Cat | Dog
        union DogOrHuman = Dog | Human
        union HumanOrAlien = Human | Alien

        type Arguments {
          multipleRequirements(x: Int!, y: Int!): Int!
          booleanArgField(booleanArg: Boolean): Boolean
          floatArgField(floatArg: Float): Float
          intArgField(intArg: Int): Int
          nonNullBooleanArgField(nonNullBooleanArg: Boolean!): Boolean!
          booleanListArgField(booleanListArg: [Boolean]!): [Boolean]
          optionalNonNullBooleanArgField(optionalBooleanArg: Boolean! = false): Boolean!
          nonNullBooleanListField(nonNullBooleanListArg: [Boolean]!): Boolean
          stringArgField(stringArg: String): String
          idArgField(idArg: ID): String
          enumArgField(enumArg: DogCommand): String
          complexArgField(complexArg: ComplexInput): String
          stringListArgField(stringListArg: [String]): String
        }

        input FindDogInput {
          name: String
          owner: String
        }

        input ComplexInput {
          requiredField: Boolean!
          nonNullField: Boolean! = false
          intField: Int
          stringField: String
          stringListField: [String]
        }

        input FieldInput {
          field: Boolean
        }

        type FieldResult {
          subfieldA: String
          subfieldB: String
        }

        input PetInput @oneOf {
          cat: CatInput
          dog: DogInput
        }

        input CatInput {
          name: String!
        }

        input DogInput {
          name: String!
        }

        interface Node {
          id: ID!
        }

        interface Resource implements Node {
          id: ID!
          url: String
        }

        type Page implements Resource & Node {
          id: ID!
          url: String
        }

        scalar Json
        """;

    private static readonly Lazy<Schema> LazySchema = new(() => BuildSchema(TestSdl));

    /// <summary>The example schema, built once.</summary>
    public static Schema Schema => LazySchema.Value;

    public static Schema BuildSchema(string sdl) => SchemaBuilder.BuildFromSdl(sdl);

    public static DocumentNode Parse(string document) => Parser.Parse(document);

    public static IReadOnlyList<GraphQLError> Validate(string document, ValidationOptions? options = null) =>
        DocumentValidator.Validate(Schema, Parse(document), options);

    /// <summary>Asserts the document is valid (no error at all).</summary>
    public static void AssertValid(string document)
    {
        var errors = Validate(document);
        Assert.True(errors.Count == 0, "Expected no errors, got:\n" + Describe(errors));
    }

    /// <summary>Asserts the exact errors, in order: message and every location.</summary>
    public static void AssertErrors(string document, params ExpectedError[] expected)
    {
        var errors = Validate(document);
        Assert.True(
            errors.Count == expected.Length,
            $"Expected {expected.Length} errors, got {errors.Count}:\n" + Describe(errors));
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Message, errors[i].Message);
            var actual = errors[i].Locations ?? [];
            var expectedLocations = expected[i].Locations.Select(l => new SourceLocation(l.Line, l.Column)).ToArray();
            Assert.Equal(expectedLocations, actual.ToArray());
        }
    }

    public static ExpectedError Error(string message, params (int Line, int Column)[] locations) => new(message, locations);

    public static string Describe(IReadOnlyList<GraphQLError> errors) =>
        string.Join("\n", errors.Select(e =>
            e.Message + " @ " + string.Join(", ", (e.Locations ?? []).Select(l => $"({l.Line},{l.Column})"))));
}
