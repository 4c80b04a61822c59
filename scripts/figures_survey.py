"""The three survey figures in one job: figure_respondent_profile.py (Figure 2),
figure_topics_applied.py and figure_application_by_group.py, unchanged, as steps
(lib.steps). They read the same two files, always run together, and each paid ~0.8 s
of matplotlib and seaborn imports as a job of its own; each keeps its own log."""

from lib.preamble import begin, loaded

begin(snakemake)

from lib.steps import pick, run_step

loaded()

inputs = pick(snakemake.input, "form metrics")


def files(figure: str) -> dict:
    return {"png": getattr(snakemake.output, f"{figure}_png"), "svg": getattr(snakemake.output, f"{figure}_svg")}


run_step("figure_respondent_profile.py", snakemake, rule="figure_respondent_profile", log="respondent_profile",
         input=inputs, output=files("respondent_profile"))
run_step("figure_topics_applied.py", snakemake, rule="figure_topics_applied", log="topics_applied",
         input=inputs, output=files("topics_applied"))
run_step("figure_application_by_group.py", snakemake, rule="figure_application_by_group", log="application_by_group",
         input=inputs, output=files("application_by_group"))
