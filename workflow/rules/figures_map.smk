# Figure 1: world map of participants per country from the participation metrics and
# the vendored Natural Earth geometry (resources/geo/README.md).


rule figure_world_map:
    input:
        metrics=results("metrics/participation.csv"),
        geometry="resources/geo/countries-50m.json",
        un_m49="resources/un_m49.csv",
    output:
        png=report(
            results("figures/figure1_world_map.png"),
            caption="../report/captions/figure1.rst",
            category="Participation",
            labels={"figure": "Figure 1"},
        ),
        svg=results("figures/figure1_world_map.svg"),
        notes=results("figures/figure1_notes.csv"),
        caption=results("figures/figure1_caption.json"),
    log:
        logs("figure_world_map.log"),
    conda:
        "../envs/workflow.yaml"
    resources:
        # the Natural Earth geometry: ~260 MB peak at any data size
        mem_mb=800,
    params:
        geometry_sha256="04342cdc1e3016bcd7db1630de95684d67b79fe3c8c460321e87aef469502394",
    script:
        "../../scripts/figure_world_map.py"


ALL_TARGETS.extend(
    [
        results("figures/figure1_world_map.png"),
        results("figures/figure1_world_map.svg"),
        results("figures/figure1_notes.csv"),
    ]
)
