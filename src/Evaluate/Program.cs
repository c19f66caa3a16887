using System.CommandLine;
using ImageSearch.Evaluate;

// evaluate class | codelab | near-duplicates [--config NAME;Embedding:Key=Value]… — see docs/evaluation.md.
return await EvaluateCommands.Create().Parse(args).InvokeAsync();
