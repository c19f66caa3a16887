using System.CommandLine;
using ImageSearch.Evaluation.NearDuplicates;
using ImageSearch.Evaluation.Protocols;

namespace ImageSearch.Evaluate;

/// <summary>One command per protocol; each builds its evaluation set and hands it to <see cref="EvaluationRun"/>.</summary>
internal static class EvaluateCommands
{
    public static RootCommand Create()
    {
        var root = new RootCommand("Measures search quality (recall@1, mHR@K, mAP@K) of Embedding configurations side by side, and writes Markdown and CSV.")
        {
            Class(), Codelab(), NearDuplicates(),
        };
        // Unknown --Section:Key=value flags are configuration (shared by every configuration), as in the other programs.
        foreach (var command in root.Subcommands)
            command.TreatUnmatchedTokensAsErrors = false;
        return root;
    }

    private static Command Class()
    {
        var data = new Option<string>("--data") { Description = "The shared data folder (imagenet-1k-samples, imagenet-100/test); default: IMAGESEARCH_DATA or shared/data above the working directory" };
        var run = new EvaluationRun();
        var command = new Command("class", "The shared class protocol: 100 imagenet-100 queries against the 1,000 imagenet-1k-samples") { data };
        run.AddTo(command);
        command.SetAction((result, token) => run.RunAsync(result, () => [ClassProtocol.Load(DataFolder(result.GetValue(data)))], token));
        return command;
    }

    private static Command Codelab()
    {
        var gallery = new Option<string>("--gallery") { Description = "Gallery CSV: id,path,label (header optional; paths relative to the CSV)", Required = true };
        var queries = new Option<string>("--queries") { Description = "Query folder: <label>/<image>; relevant = gallery rows of that label", Required = true };
        var run = new EvaluationRun();
        var command = new Command("codelab", "The codelab's protocol on your own images: a gallery CSV and query folders named by label") { gallery, queries };
        run.AddTo(command);
        command.SetAction((result, token) => run.RunAsync(result, () => [CodelabProtocol.Load(result.GetValue(gallery)!, result.GetValue(queries)!)], token));
        return command;
    }

    private static Command NearDuplicates()
    {
        var source = new Option<string>("--source") { Description = "Folder of original photos (recursive); they form the gallery", Required = true };
        var distractors = new Option<string>("--distractors") { Description = "Folder of more gallery photos that no query should find" };
        var copies = new Option<int>("--copies") { Description = "Edited copies to generate (the queries), spread evenly over the edits", DefaultValueFactory = _ => 450 };
        var seed = new Option<int>("--seed") { Description = "Seed of the edits: the same seed writes the same copies", DefaultValueFactory = _ => 42 };
        var edits = new Option<string>("--edits") { Description = "Folder the copies are written to (default: <out>/near-duplicates)" };
        copies.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--copies must be at least 1"); });
        var run = new EvaluationRun();
        var command = new Command("near-duplicates", $"Edited copies ({string.Join(", ", Enum.GetNames<ImageEdit>())}) as queries, their originals as the gallery")
        {
            source, distractors, copies, seed, edits,
        };
        run.AddTo(command);
        command.SetAction((result, token) => run.RunAsync(result, () =>
        {
            var originals = ImageFolder.List(result.GetValue(source)!);
            var folder = result.GetValue(edits) ?? Path.Combine(run.OutputFolder(result), "near-duplicates");
            Console.Error.WriteLine($"writing {result.GetValue(copies)} edited copies of {originals.Count} photos to {Path.GetFullPath(folder)}");
            var generated = NearDuplicateGenerator.Generate(originals, folder, result.GetValue(copies), result.GetValue(seed), cancellationToken: token);
            var others = result.GetValue(distractors) is { } extra ? ImageFolder.List(extra) : [];
            return [NearDuplicateProtocol.Create(originals, others, generated)];
        }, token));
        return command;
    }

    private static string DataFolder(string? given)
    {
        var folder = given ?? Environment.GetEnvironmentVariable("IMAGESEARCH_DATA");
        if (!string.IsNullOrEmpty(folder))
            return Path.GetFullPath(folder);
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "shared", "data", "imagenet-100")))
                return Path.Combine(dir.FullName, "shared", "data");
        throw new DirectoryNotFoundException("shared data not found: pass --data DIR or set IMAGESEARCH_DATA");
    }
}
