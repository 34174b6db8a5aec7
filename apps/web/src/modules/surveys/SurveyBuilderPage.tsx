export default function SurveyBuilderPage(_props: { surveyId: string }) {
  return null;
}
