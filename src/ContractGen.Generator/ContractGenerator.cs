using ContractGen.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ContractGen.Generator;

/// <summary>
/// Generates, for every <c>[ServiceContract]</c> interface, its descriptor, client proxy and service dispatcher in one
/// source file. Contracts with problems generate nothing; the analyzers say why.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class ContractGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var contracts = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownTypes.ServiceContractAttributeName,
                static (node, _) => node is InterfaceDeclarationSyntax,
                static (syntaxContext, cancellationToken) =>
                {
                    var known = new KnownTypes(syntaxContext.SemanticModel.Compilation);
                    // Reported by the analyzers (CGEN1xxx/CGEN2xxx): a contract with problems yields no model.
                    return ContractParser.Parse((INamedTypeSymbol)syntaxContext.TargetSymbol, known, cancellationToken).Model;
                })
            .WithTrackingName(ContractGeneratorSteps.ParseContracts)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(ContractGeneratorSteps.ValidContracts);

        context.RegisterSourceOutput(contracts, static (output, model) =>
            output.AddSource(ContractEmitter.GetHintName(model), ContractEmitter.Emit(model)));
    }
}
