/* SPDX-License-Identifier: MIT */
/* Copyright (c) 2022-2026 the jobmatchd authors */
/*
 * vocab.c - static vocabulary tables. The order of each table is the order
 * of its enum in vocab.h.
 */
#include <string.h>

#include "matcher/vocab.h"

static const struct vocab_entry disabilities[DIS_COUNT] = {
	{ "visual", "视力残疾" }, { "hearing", "听力残疾" },
	{ "speech", "言语残疾" }, { "physical", "肢体残疾" },
	{ "intellectual", "智力残疾" }, { "mental", "精神残疾" },
	{ "multiple", "多重残疾" },
};

static const struct vocab_entry grades[GRADE_MAX] = {
	{ "1", "一级（极重度）" }, { "2", "二级（重度）" },
	{ "3", "三级（中度）" }, { "4", "四级（轻度）" },
};

static const struct vocab_entry accommodations[ACCOM_COUNT] = {
	{ "step_free_access", "无障碍通道" }, { "elevator", "无障碍电梯" },
	{ "accessible_toilet", "无障碍卫生间" },
	{ "accessible_parking", "无障碍停车位" },
	{ "adjustable_workstation", "可调节工位" },
	{ "screen_reader", "读屏软件" }, { "screen_magnifier", "屏幕放大" },
	{ "braille", "盲文资料" }, { "large_print", "大字资料" },
	{ "sign_language", "手语翻译" }, { "captioning", "字幕与文字转写" },
	{ "hearing_loop", "助听环路" }, { "visual_alerts", "视觉提示警报" },
	{ "written_instructions", "书面工作指引" },
	{ "quiet_space", "安静工作空间" }, { "job_coach", "就业辅导员" },
	{ "flexible_hours", "弹性工作时间" },
	{ "remote_work", "居家或远程办公" },
	{ "accessible_transport", "无障碍通勤或接送" },
	{ "service_animal", "允许导盲犬等服务犬" },
};

static const struct vocab_entry employments[EMP_COUNT] = {
	{ "full_time", "全日制" }, { "part_time", "非全日制" },
	{ "public_welfare", "公益性岗位" }, { "sheltered", "辅助性就业" },
	{ "flexible", "灵活就业（新就业形态）" }, { "internship", "就业见习" },
};

static const struct vocab_entry employers[ET_COUNT] = {
	{ "agency", "党政机关" }, { "institution", "事业单位" },
	{ "soe", "国有企业" }, { "private", "民营企业" },
	{ "community", "社区服务点" }, { "social_org", "社会组织与助残机构" },
	{ "sheltered_workshop", "辅助性就业机构与集中安置单位" },
};

static const struct vocab_entry flags[FLAG_COUNT] = {
	{ "graduate", "高校毕业生" },
	{ "zero_employment_household", "零就业家庭" },
	{ "low_income", "低保或低保边缘家庭" }, { "rural", "农村户籍" },
};

static const struct vocab_entry forms[FORM_COUNT] = {
	{ "employer", "用人单位就业（含按比例就业）" },
	{ "public_welfare", "公益性岗位就业" },
	{ "sheltered", "辅助性就业" },
	{ "self_employed", "自主创业（含个体盲人按摩）" },
	{ "flexible", "灵活就业" },
	{ "farming", "农村种养殖或就业基地" },
	{ "stall", "社区摊位" },
};

static const struct vocab_entry outcomes[FU_COUNT] = {
	{ "in_work", "稳定就业" }, { "changed_work", "变换工作" },
	{ "lost_work", "失业" }, { "at_risk", "有失业或返贫风险" },
};

static const struct vocab_entry avoids[AVOID_COUNT] = {
	{ "voice_phone", "不要需要打电话的工作" },
};

static const struct {
	const char			*name;
	const struct vocab_entry	*entries;
	size_t				 n;
} tables[VOCAB_NKINDS] = {
	[VOCAB_DISABILITY] = { "disability_types", disabilities, DIS_COUNT },
	[VOCAB_GRADE] = { "grades", grades, GRADE_MAX },
	[VOCAB_ACCOMMODATION] = { "accommodations", accommodations,
	    ACCOM_COUNT },
	[VOCAB_EMPLOYMENT] = { "employment_types", employments, EMP_COUNT },
	[VOCAB_EMPLOYER] = { "employer_types", employers, ET_COUNT },
	[VOCAB_FLAG] = { "seeker_flags", flags, FLAG_COUNT },
	[VOCAB_EMPLOYMENT_FORM] = { "employment_forms", forms, FORM_COUNT },
	[VOCAB_FOLLOWUP_OUTCOME] = { "followup_outcomes", outcomes,
	    FU_COUNT },
	[VOCAB_AVOID] = { "avoid", avoids, AVOID_COUNT },
};

const struct vocab_entry *
vocab_entries(enum vocab_kind kind, size_t *n)
{
	*n = tables[kind].n;
	return tables[kind].entries;
}

int
vocab_lookup(enum vocab_kind kind, const char *id)
{
	for (size_t i = 0; i < tables[kind].n; i++)
		if (strcmp(tables[kind].entries[i].id, id) == 0)
			return (int)i;
	return -1;
}

const char *
vocab_id(enum vocab_kind kind, int i)
{
	return tables[kind].entries[i].id;
}

const char *
vocab_kind_name(enum vocab_kind kind)
{
	return tables[kind].name;
}
