export default function SurveyDistributionPage(_props: { surveyId: string }) {
  return null;
}
